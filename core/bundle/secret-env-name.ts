/**
 * `OST_SECRET_<NAMESPACE>_<NAME>_<KEY>`, upper-cased with every other character as `_`: the environment
 * variable through which a Secret's value reaches a process that has no mounted Secret (the local street,
 * the operator's directory source, the runtime). The one spelling, shared by operator and runtime.
 */
export function secretEnvName(namespace: string, name: string, key: string): string {
  return `OST_SECRET_${namespace}_${name}_${key}`.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}
