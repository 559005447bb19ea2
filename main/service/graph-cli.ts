import { npmHost } from './npm-host';
import { runCli } from './run-cli';

// `npm run graph -- …`: the command itself is graph-command.ts, run through the host the other
// commands share (the installed app's `ScimDesk.exe --graph`, packaged-cli.ts).
await runCli(['graph', ...process.argv.slice(2)], npmHost);
