export { ALL_FEATURES, enabledFeatures, type Feature, hasFeature } from "./features.ts";
export { ORACLE_PYTHON, oracleAvailable, REPO_ROOT, runOracle } from "./python-oracle.ts";
