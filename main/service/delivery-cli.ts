import { npmHost } from './npm-host';
import { runCli } from './run-cli';

// `npm run delivery -- …`: the command itself is delivery-command.ts, run through the host the other
// commands share (the installed app's `ScimDesk.exe --delivery`, packaged-cli.ts).
await runCli(['delivery', ...process.argv.slice(2)], npmHost);
