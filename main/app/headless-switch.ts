import { packagedCliArgs } from '../service/packaged-cli';

/**
 * The headless command the desktop executable was started for (`ScimDesk.exe --serve …` at boot on a
 * server), or undefined when the window should open. A packaged app's arguments follow the executable;
 * an unpackaged one (`electron dist/main/app/main.js …`) has the script's path first.
 */
export function headlessCommand(argv: ReadonlyArray<string>, isPackaged: boolean): string[] | undefined {
  return packagedCliArgs(argv.slice(isPackaged ? 1 : 2));
}
