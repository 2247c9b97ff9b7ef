/**
 * The app the middleware benchmark serves: a few routes as a small JSON API has them (body parsing, a
 * mounted router, route parameters, a plain-text health check), instrumented or not by its caller.
 */
import express, { type RequestHandler } from "express";

export function createApp(instrumentation: RequestHandler | undefined): express.Express {
  const app = express();
  if (instrumentation) app.use(instrumentation);
  app.use(express.json());
  app.get("/health", (_req, res) => {
    res.type("text").send("ok");
  });
  app.get("/api/items/:id", (req, res) => {
    res.json({ id: req.params.id, name: "keyboard", price: 42 });
  });
  const users = express.Router();
  users.get("/:userId/orders", (req, res) => {
    res.json([{ user: req.params.userId, order: 1, total: 99.5 }]);
  });
  app.use("/api/users", users);
  return app;
}

/** The n-th request of a round: the routes in turn, with varying parameters. */
export function requestPath(n: number): string {
  switch (n % 3) {
    case 0:
      return `/api/items/${n % 100}`;
    case 1:
      return `/api/users/${n % 50}/orders`;
    default:
      return "/health";
  }
}
