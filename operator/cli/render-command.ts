// `outputstraat render <path...> --template NAME`: a template rendered exactly as the runtime would send
// it — locale fallback, layout, the corporation's branding — for a sample or a given receivable.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import type { BundleTemplate } from '../../core/bundle/types.js';
import { noticeFor } from '../../core/engine/index.js';
import { createError } from '../../core/errors/index.js';
import { type ComposedMessage, composeMessage } from '../../core/messages/index.js';
import { referencedVariables } from '../../core/render/index.js';
import { ALERT_ACTION_LABELS } from '../../core/simulator/index.js';
import { type CliIo, EXIT_OK, emit, outputFormat, type Runner, usageError } from './cli-io.js';
import { loadBundle } from './load-street.js';
import { readReceivableFile } from './receivable-file.js';
import { sampleReceivable } from './sample-receivable.js';

const PARTS = ['subject', 'html', 'text', 'sms', 'voice', 'letter'] as const;
type Part = (typeof PARTS)[number];

const FILE_SUFFIX: Record<Part, string> = {
  subject: 'subject.txt',
  html: 'html',
  text: 'txt',
  sms: 'sms.txt',
  voice: 'voice.txt',
  letter: 'letter.txt',
};

interface RenderOptions {
  template: string;
  corporation?: string;
  receivable?: string;
  locale?: string;
  part?: string;
  out?: string;
  output?: string;
  alert?: string;
}

/** Whether the template reads alert.* (a consultant alert), in any locale and part. */
/** Whether a part of the template reads a variable under `name` (alert.*, notice.*). */
function reads(t: BundleTemplate, name: string): boolean {
  const sources = Object.values(t.spec.locales).flatMap((parts) => [
    ...Object.values(parts).filter((v): v is string => typeof v === 'string'),
    ...(parts.letter ? [parts.letter.subject ?? '', ...(parts.letter.blocks ?? [])] : []),
  ]);
  return sources.some((src) => {
    try {
      return referencedVariables(src).some((v) => v === name || v.startsWith(`${name}.`));
    } catch {
      return false; // a syntax error shows when the part is rendered
    }
  });
}

function partText(message: ComposedMessage, part: Part): string | undefined {
  if (part === 'letter') {
    const l = message.letter;
    // Blank blocks (an {{#if}} that is off) are left out, as the letter leaves them out.
    const blocks = l?.blocks.filter((b) => b.trim() !== '') ?? [];
    return l ? [l.subject, '', ...blocks.flatMap((b) => [b, ''])].join('\n').trimEnd() : undefined;
  }
  return message[part];
}

export function runRender(io: CliIo, paths: string[], opts: RenderOptions): number {
  const format = outputFormat(opts.output);
  if (opts.locale !== undefined && opts.locale !== 'nl' && opts.locale !== 'en') {
    throw usageError(`--locale must be nl or en, not "${opts.locale}"`);
  }
  if (opts.part !== undefined && !(PARTS as readonly string[]).includes(opts.part)) {
    throw usageError(`--part must be one of ${PARTS.join(', ')}, not "${opts.part}"`);
  }
  if (opts.alert !== undefined && !(opts.alert in ALERT_ACTION_LABELS)) {
    throw usageError(`--alert must be one of ${Object.keys(ALERT_ACTION_LABELS).join(', ')}`);
  }
  const bundle = loadBundle(io, paths, opts.corporation, opts.receivable);
  const template = bundle.templates[opts.template];
  if (template && (template.spec.role ?? 'message') !== 'message') {
    throw usageError(
      `template "${opts.template}" is a ${template.spec.role}, not a message`,
      'render a message template; its layout and partials are applied',
    );
  }
  if (!template) {
    const names = Object.values(bundle.templates)
      .filter((t) => (t.spec.role ?? 'message') === 'message')
      .map((t) => t.name);
    throw usageError(
      `no template "${opts.template}" in the bundle of ${bundle.corporation.id}`,
      `use one of: ${names.join(', ') || '(none)'}`,
    );
  }
  const base = opts.receivable ? readReceivableFile(io, opts.receivable) : sampleReceivable(template);
  const receivable = opts.locale
    ? { ...base, debtor: { ...base.debtor, locale: opts.locale as 'nl' | 'en' } }
    : base;
  const host = bundle.corporation.paymentHost ?? 'outputstraat.example';
  // Consultant alerts read alert.*: render them as the alert for --alert (default: call).
  const alertAction = opts.alert ?? (reads(template, 'alert') ? 'call' : undefined);
  const now = new Date();
  const balance = receivable.balance ?? receivable.amount;
  const currency = receivable.currency ?? 'EUR';
  // A 14-day letter reads notice.*: render it as sent now for the receivable, its term and costs computed.
  const notice = reads(template, 'notice')
    ? noticeFor({
        stepId: 'voorbeeld',
        messageId: 'voorbeeld',
        channelType:
          bundle.channels[template.spec.channel ?? '']?.spec.type === 'letter' ||
          template.spec.locales[receivable.debtor.locale ?? bundle.corporation.locale]?.letter
            ? 'letter'
            : 'email',
        now,
        sentAt: now.toISOString(),
        timezone: bundle.corporation.timezone,
        settings: bundle.corporation.collectionCosts ?? {},
        alreadyCharged: [],
        items: [{ externalId: receivable.externalId, principalCents: balance }],
        currency,
      })
    : undefined;
  const message = composeMessage({
    bundle,
    template: opts.template,
    receivable: { ...receivable, balance, currency },
    ...(notice ? { collections: { notice } } : {}),
    links: { payment: `https://${host}/p/voorbeeld` },
    now,
    case: { id: 'voorbeeld', classification: receivable.kind, flow: 'voorbeeld', stepsSent: 0 },
    ...(alertAction
      ? { alert: { action: alertAction, actionLabel: ALERT_ACTION_LABELS[alertAction] ?? alertAction } }
      : {}),
  });
  const parts = PARTS.filter((p) => partText(message, p) !== undefined && (!opts.part || p === opts.part));
  if (opts.part && parts.length === 0) {
    throw createError('OST_ERR_TEMPLATE_LOCALE', [
      `template ${opts.template}`,
      opts.template,
      message.locale,
      opts.part,
    ]);
  }
  if (opts.out) {
    const dir = resolve(io.cwd, opts.out);
    mkdirSync(dir, { recursive: true });
    for (const p of parts) {
      const file = join(dir, `${message.template}.${message.locale}.${FILE_SUFFIX[p]}`);
      writeFileSync(file, `${partText(message, p)}\n`);
      io.out(`wrote ${relative(io.cwd, file)}`);
    }
    return EXIT_OK;
  }
  if (format !== 'text') {
    emit(io, format, opts.part ? { [opts.part]: partText(message, opts.part as Part) } : message);
    return EXIT_OK;
  }
  if (opts.part) {
    io.out(partText(message, opts.part as Part) ?? '');
    return EXIT_OK;
  }
  const source = opts.receivable
    ? relative(io.cwd, resolve(io.cwd, opts.receivable))
    : 'the sample receivable';
  io.out(
    `Template ${message.template} (${message.channelType}, ${message.locale}) for ${bundle.corporation.displayName}, with ${source}`,
  );
  for (const p of parts) {
    io.out('');
    io.out(`── ${p} ${'─'.repeat(Math.max(3, 60 - p.length))}`);
    io.out(partText(message, p) ?? '');
  }
  return EXIT_OK;
}

export function renderCommand(program: Command, io: CliIo, run: Runner): void {
  program
    .command('render')
    .description('render a message template with sample (or given) receivable data')
    .argument('<paths...>', 'files or folders with YAML resources')
    .requiredOption('-t, --template <name>', 'the message Template to render')
    .option(
      '-c, --corporation <namespace>',
      'corporation whose branding and overlays apply (default: the only one)',
    )
    .option('-r, --receivable <file>', 'ERP receivable JSON; default: a built-in sample (€ 620,79)')
    .option('-l, --locale <locale>', "the debtor's locale: nl or en")
    .option('-p, --part <part>', `only this part: ${PARTS.join(', ')}`)
    .option(
      '--alert <action>',
      'render as a consultant alert for this action (default call for alert templates)',
    )
    .option('--out <dir>', 'write each part to a file in this folder')
    .option('-o, --output <format>', 'text, json or yaml', 'text')
    .action((paths: string[], opts: RenderOptions) => run(() => runRender(io, paths, opts)));
}
