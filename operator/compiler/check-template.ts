import { referencedVariables, syntaxError } from '../../core/render/index.js';
import type { Resource } from '../../core/resources/kinds.js';
import type { TemplateLocaleParts } from '../../core/resources/types.generated.js';
import type { Diagnostics } from './diagnostics.js';
import type { OverlayView } from './resource-index.js';
import { isKnownTemplatePath } from './template-context.js';
import { partialNames } from './template-partials.js';

const REQUIRED_PARTS: Record<string, (keyof TemplateLocaleParts)[]> = {
  email: ['subject'],
  sms: ['sms'],
  voice: ['voice'],
  letter: ['letter'],
};

function textParts(parts: TemplateLocaleParts): [string, string][] {
  const out: [string, string][] = [];
  for (const key of ['subject', 'html', 'text', 'sms', 'voice', 'body'] as const) {
    const value = parts[key];
    if (typeof value === 'string') out.push([key, value]);
  }
  if (parts.letter?.subject) out.push(['letter.subject', parts.letter.subject]);
  parts.letter?.blocks?.forEach((b, i) => {
    out.push([`letter.blocks[${i}]`, b]);
  });
  return out;
}

/** Syntax, declared variables, partials, required parts per locale, and the layout reference of one template. */
export function checkTemplate(
  template: Resource<'Template'>,
  view: OverlayView,
  diagnostics: Diagnostics,
): void {
  const spec = template.spec;
  const name = template.metadata.name;
  const declared = new Set((spec.variables ?? []).map((v) => v.name));
  if (spec.layout) {
    const layout = view.get('Template', spec.layout);
    if (layout?.spec.role !== 'layout') {
      diagnostics.add(template, 'spec.layout', 'OST_ERR_REFERENCE', [
        'layout Template',
        spec.layout,
        'create a Template with role: layout, or remove spec.layout',
      ]);
    } else if (layout.spec.channel !== spec.channel) {
      diagnostics.add(template, 'spec.layout', 'OST_ERR_FLOW_STRUCTURE', [
        `layout "${spec.layout}" is for ${layout.spec.channel}, this template for ${spec.channel}`,
        'use a layout of the same channel',
      ]);
    }
  }
  for (const [locale, parts] of Object.entries(spec.locales)) {
    const field = `spec.locales.${locale}`;
    if ((spec.role ?? 'message') === 'message' && spec.channel) {
      for (const part of REQUIRED_PARTS[spec.channel] ?? []) {
        if (!parts[part]) {
          diagnostics.add(template, field, 'OST_ERR_TEMPLATE_LOCALE', [name, locale, part]);
        }
      }
      if (spec.channel === 'email' && !parts.html && !parts.text) {
        diagnostics.add(template, field, 'OST_ERR_TEMPLATE_LOCALE', [name, locale, 'html or text']);
      }
    }
    for (const [part, source] of textParts(parts)) {
      const partField = `${field}.${part}`;
      const problem = syntaxError(source);
      if (problem) {
        diagnostics.add(template, partField, 'OST_ERR_TEMPLATE_SYNTAX', [
          `template "${name}" part ${part} (${locale}), line ${problem.line}: ${problem.message}`,
          'fix the Handlebars syntax',
        ]);
        continue;
      }
      for (const path of referencedVariables(source)) {
        if (!isKnownTemplatePath(path, declared)) {
          diagnostics.add(template, partField, 'OST_ERR_TEMPLATE_VARIABLE', [name, path]);
        }
      }
      for (const partial of partialNames(source)) {
        if (view.get('Template', partial)?.spec.role !== 'partial') {
          diagnostics.add(template, partField, 'OST_ERR_REFERENCE', [
            'partial Template',
            partial,
            `create a Template "${partial}" with role: partial here or in the base namespace, or fix the name in {{> ${partial}}}`,
          ]);
        }
      }
    }
  }
}
