/**
 * The values marker expressions are evaluated against, as PEP 508 names them. Version-valued
 * fields (`python_version`, `python_full_version`, `implementation_version`) must hold PEP 440
 * versions; a field that does not parse makes every comparison against it false.
 */
export interface MarkerEnvironment {
  readonly implementation_name: string;
  readonly implementation_version: string;
  readonly os_name: string;
  readonly platform_machine: string;
  readonly platform_python_implementation: string;
  readonly platform_release: string;
  readonly platform_system: string;
  readonly platform_version: string;
  readonly python_full_version: string;
  readonly python_version: string;
  readonly sys_platform: string;
}
