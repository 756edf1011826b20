/** The project's root folder (where package.json is), for the tools run from anywhere. */
import * as path from "path";

export const PROJECT_ROOT = path.resolve(__dirname, "..");
