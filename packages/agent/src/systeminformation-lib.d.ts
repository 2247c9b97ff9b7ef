// Types for the systeminformation modules the agent loads one by one (see collector.ts).
declare module "systeminformation/lib/memory" {
  import type { Systeminformation } from "systeminformation";
  export function mem(): Promise<Systeminformation.MemData>;
}
declare module "systeminformation/lib/filesystem" {
  import type { Systeminformation } from "systeminformation";
  export function fsSize(): Promise<Systeminformation.FsSizeData[]>;
}
declare module "systeminformation/lib/osinfo" {
  import type { Systeminformation } from "systeminformation";
  export function osInfo(): Promise<Systeminformation.OsData>;
}
declare module "systeminformation/lib/network" {
  import type { Systeminformation } from "systeminformation";
  export function networkStats(interfaces: string): Promise<Systeminformation.NetworkStatsData[]>;
}
