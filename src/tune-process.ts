// Imported first by main.ts, for its side effect: re-executes the server with its runtime settings
// (runtime-tuning.ts) before any other module loads.
import { applyRuntimeTuning } from "./runtime-tuning.ts";

applyRuntimeTuning();
