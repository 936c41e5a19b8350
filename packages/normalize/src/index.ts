export { type ExtraName, parseExtraName } from "./extra-name.ts";
export { type GroupName, parseGroupName } from "./group-name.ts";
export { InvalidNameError } from "./invalid-name-error.ts";
export { isValidName, normalizeName } from "./name.ts";
export { distInfoName, type PackageName, parsePackageName } from "./package-name.ts";
