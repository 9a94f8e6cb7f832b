import { type CelEnv, celEnv } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';

/**
 * The one CEL environment of Outputstraat: the standard library plus the strings extension (lowerAscii,
 * upperAscii, trim, replace, split, join, substring, charAt, indexOf, lastIndexOf, format, strings.quote).
 * Variables are not declared here: the library does not check them, core/cel/static-check.ts does.
 */
export const outputstraatCelEnv: CelEnv = celEnv({ funcs: strings });
