import {
  createError,
  type ErrorArg,
  type ErrorArgs,
  type ErrorCode,
  formatLocation,
  type OutputstraatError,
} from '../../core/errors/index.js';
import { type Resource, resourceId } from '../../core/resources/kinds.js';

/** Collects the compiler's findings, each attached to the resource that caused it. */
export class Diagnostics {
  readonly errors: OutputstraatError[] = [];
  private readonly byResource = new Map<string, OutputstraatError[]>();

  /** `where` becomes the first %s of the message: `file:line Kind ns/name field`. */
  add<C extends ErrorCode>(
    resource: Resource,
    field: string,
    code: C,
    args: ErrorArgs<C> extends [ErrorArg, ...infer Rest] ? Rest : never,
  ): OutputstraatError {
    const line = resource.origin?.lineOf?.(field) ?? resource.origin?.line;
    const location = { file: resource.origin?.file, line, resource: resourceId(resource), field };
    const err = createError(
      code,
      ...([[formatLocation(location), ...args], { location }] as unknown as [ErrorArgs<C>]),
    );
    this.errors.push(err);
    const key = resourceId(resource);
    this.byResource.set(key, [...(this.byResource.get(key) ?? []), err]);
    return err;
  }

  addError(resourceKey: string, err: OutputstraatError): void {
    this.errors.push(err);
    this.byResource.set(resourceKey, [...(this.byResource.get(resourceKey) ?? []), err]);
  }

  of(resource: Resource): OutputstraatError[] {
    return this.byResource.get(resourceId(resource)) ?? [];
  }

  has(resource: Resource): boolean {
    return this.of(resource).length > 0;
  }
}
