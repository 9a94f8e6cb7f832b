// A small type-level reading of the JSON Schema subset the receivable schema uses, so the TypeScript
// type is derived from the schema instead of written a second time.
type Props = Record<string, unknown>;

type Prim<S> = S extends { enum: readonly (infer E)[] }
  ? E
  : S extends { type: 'string' }
    ? string
    : S extends { type: 'integer' | 'number' }
      ? number
      : S extends { type: 'boolean' }
        ? boolean
        : S extends { type: readonly string[] }
          ? string | number | boolean
          : S extends { type: 'array'; items: infer I }
            ? FromSchema<I>[]
            : S extends { type: 'object'; properties: infer P extends Props }
              ? ObjectOf<P, S extends { required: readonly (infer R)[] } ? R : never>
              : S extends { type: 'object'; additionalProperties: infer A }
                ? Record<string, FromSchema<A>>
                : unknown;

type ObjectOf<P extends Props, R> = { [K in keyof P as K extends R ? K : never]: FromSchema<P[K]> } & {
  [K in keyof P as K extends R ? never : K]?: FromSchema<P[K]>;
};

export type FromSchema<S> = Prim<S>;
