/** `OST_SECRET_<NAMESPACE>_<NAME>_<KEY>`, upper-cased with every other character as `_`: how the local street passes a Secret value through the environment. */
export function secretEnvName(namespace: string, name: string, key: string): string {
  return `OST_SECRET_${namespace}_${name}_${key}`.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}
