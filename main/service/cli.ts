import { npmHost } from './npm-host';
import { runCli } from './run-cli';

// `npm run serve|token|admin-link|diagnose|snapshot -- …`. Node ends by itself once a command is
// done; the service keeps it alive until a signal.
await runCli(process.argv.slice(2), npmHost);
