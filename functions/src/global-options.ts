/**
 * Options every function shares, set before any function is defined (index.ts imports this first):
 * at most FUNCTIONS_MAX_INSTANCES instances each, so a flood of requests costs bounded compute.
 */
import { setGlobalOptions } from "firebase-functions/v2";
import { FUNCTIONS_MAX_INSTANCES } from "./config";

setGlobalOptions({ maxInstances: FUNCTIONS_MAX_INSTANCES });
