/** The local stack's fixed addresses and project, shared by `npm start`, `npm test` and the tools. */
export const PROJECT_ID = "demo-aideon-perf";
export const HOST = "127.0.0.1";
export const PORTS = {
  firestore: 8080,
  functions: 5001,
  auth: 9099,
  hub: 4400,
  schedules: 4410,
  hosting: 5002,
} as const;
export const REGION = "us-central1";

export const urls = {
  functions: `http://${HOST}:${PORTS.functions}/${PROJECT_ID}/${REGION}`,
  auth: `http://${HOST}:${PORTS.auth}`,
  firestore: `${HOST}:${PORTS.firestore}`,
  /** The REST API through the Hosting emulator's rewrite of /api/** to the `api` function. */
  restApi: `http://${HOST}:${PORTS.hosting}/api/v1/performance`,
  /** The admin dashboard (packages/dashboard, built into hosting/dashboard/). */
  dashboard: `http://${HOST}:${PORTS.hosting}/dashboard/`,
};
