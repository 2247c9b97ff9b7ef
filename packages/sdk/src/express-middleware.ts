/**
 * The contract's before/after request hooks as Express middleware: one HTTP_REQUEST trace per request,
 * named by method and matched route pattern (low cardinality: `GET /api/items/:id`, never the URL),
 * with status code and response size, and the caller's W3C traceparent ids when it sent one.
 * Request and response are typed structurally, so Express is not a dependency of the SDK.
 */
import { fitAttributeValue, fitTraceName } from "@aideon-perf/core";
import { parseTraceparent } from "./traceparent";
import type {
  HttpRequestLike,
  HttpResponseLike,
  PerformanceMonitor,
  RequestMiddleware,
  Trace,
} from "./types";

/** The name of a request that matched no route (a 404, usually): one name for all of them. */
const UNMATCHED = "(unmatched route)";

export function httpRequestMiddleware(monitor: Pick<PerformanceMonitor, "startTrace">): RequestMiddleware {
  return (req, res, next) => {
    const routing = trackRouting(req);
    const trace = monitor.startTrace(fitTraceName(`${req.method} ${UNMATCHED}`), "HTTP_REQUEST");
    trace.addAttribute("method", req.method);
    const parent = parseTraceparent(req.headers.traceparent);
    if (parent)
      trace.addAttribute("trace_id", parent.traceId).addAttribute("parent_span_id", parent.parentSpanId);
    res.once("close", () => finishTrace(trace, req, res, routing));
    next();
  };
}

function finishTrace(
  trace: Trace,
  req: HttpRequestLike,
  res: HttpResponseLike,
  routing: Routing | undefined,
): void {
  const route = matchedRoute(req, routing);
  if (route !== undefined)
    trace.updateName(fitTraceName(`${req.method} ${route}`)).addAttribute("route", fitAttributeValue(route));
  trace.addAttribute("status_code", res.statusCode);
  const size = Number(res.getHeader("content-length"));
  if (Number.isFinite(size)) trace.addAttribute("response_size", size);
  if (res.writableFinished === false) trace.addAttribute("aborted", true);
  trace.stop();
}

/** What routing did to a request: the route it matched and the mount path at that moment. */
interface Routing {
  route: unknown;
  mountPath: string | undefined;
}

/**
 * Express sets `req.route` when a route matches, while `req.baseUrl` is that router's mount path; an
 * error leaving a router resets baseUrl before the response ends. So the mount path is taken at the
 * assignment, by an accessor defined once on the app's request prototype (Express gives each app its
 * own). The state lives in a WeakMap: adding properties to a Node request object costs about 1 us each.
 */
const routings = new WeakMap<object, Routing>();
const trackedPrototypes = new WeakSet<object>();

function trackRouting(req: HttpRequestLike): Routing | undefined {
  const prototype = Object.getPrototypeOf(req) as object | null;
  if (typeof req.baseUrl !== "string" || prototype === null) return undefined;
  if (!trackedPrototypes.has(prototype)) {
    trackedPrototypes.add(prototype);
    if (Object.getOwnPropertyDescriptor(prototype, "route") !== undefined) return undefined;
    Object.defineProperty(prototype, "route", { configurable: true, get: routeOf, set: setRoute });
  }
  const routing: Routing = { route: undefined, mountPath: undefined };
  routings.set(req, routing);
  return routing;
}

function routeOf(this: HttpRequestLike): unknown {
  return routings.get(this)?.route;
}

function setRoute(this: HttpRequestLike, route: unknown): void {
  const routing = routings.get(this);
  if (routing === undefined) {
    // A request this middleware did not see (outside the path it is mounted on): a plain property.
    Object.defineProperty(this, "route", {
      value: route,
      writable: true,
      enumerable: true,
      configurable: true,
    });
    return;
  }
  routing.route = route;
  routing.mountPath = this.baseUrl;
}

/** The matched route's full pattern, or undefined when no route matched. */
function matchedRoute(req: HttpRequestLike, routing: Routing | undefined): string | undefined {
  const path = ((routing?.route ?? req.route) as { path?: unknown } | undefined)?.path;
  if (path === undefined) return undefined;
  return `${routing?.mountPath ?? req.baseUrl ?? ""}${String(path)}`;
}
