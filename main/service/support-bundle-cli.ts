import { npmHost } from './npm-host';
import { runCli } from './run-cli';

// `npm run support-bundle -- …`: the command itself is support-bundle-command.ts, run through the
// host the other commands share (the installed app's `ScimDesk.exe --support-bundle`, packaged-cli.ts).
await runCli(['support-bundle', ...process.argv.slice(2)], npmHost);
