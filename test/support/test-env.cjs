// Loaded by mocha before any test file (.mocharc.json "require"): the project the in-process functions
// see when their modules load. A demo- project, as the emulators run, so App Check's "auto" is off.
process.env.GCLOUD_PROJECT ??= "demo-aideon-perf";
