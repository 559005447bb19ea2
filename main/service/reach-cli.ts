import { npmHost } from './npm-host';
import { runCli } from './run-cli';

// `npm run reach -- …`: the command itself is reach-command.ts, run through the host the other
// commands share (the installed app's `ScimDesk.exe --reach`, packaged-cli.ts).
await runCli(['reach', ...process.argv.slice(2)], npmHost);
