// Imported before ink: ink draws only a final frame when the environment says CI (as CI runs
// these tests), and the explorer's tests read every frame, as a user at a terminal sees them.
for (const k of ['CI', 'CONTINUOUS_INTEGRATION']) if (k in process.env) process.env[k] = '0';
