// Prometheus metrics. Labels are corporation (a namespace name), flow, channel, outcome, stream, consumer
// and error code only — never anything about a debtor.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export function createRuntimeMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'outputstraat_' });
  return {
    registry,
    receivablesAccepted: new Counter({
      name: 'outputstraat_receivables_accepted_total',
      help: 'Receivables accepted by the ingress (durably on JetStream)',
      labelNames: ['corporation'],
      registers: [registry],
    }),
    receivablesRejected: new Counter({
      name: 'outputstraat_receivables_rejected_total',
      help: 'Receivables rejected by the ingress, by reason',
      labelNames: ['corporation', 'reason'],
      registers: [registry],
    }),
    casesStarted: new Counter({
      name: 'outputstraat_cases_started_total',
      help: 'Cases started, per flow',
      labelNames: ['corporation', 'flow'],
      registers: [registry],
    }),
    casesOpen: new Gauge({
      name: 'outputstraat_cases_open',
      help: 'Cases active or paused, per flow (sampled from the database)',
      labelNames: ['corporation', 'flow'],
      registers: [registry],
    }),
    dossiersOpen: new Gauge({
      name: 'outputstraat_dossiers_open',
      help: 'Debtor-scope dossiers active or paused, per flow (sampled from the database; no debtor labels)',
      labelNames: ['corporation', 'flow'],
      registers: [registry],
    }),
    steps: new Counter({
      name: 'outputstraat_steps_total',
      help: 'Send and alert steps finished by this replica, by outcome (sent, skipped, failed), channel and flow',
      labelNames: ['corporation', 'flow', 'channel', 'outcome'],
      registers: [registry],
    }),
    contactDeferrals: new Counter({
      name: 'outputstraat_contact_deferrals_total',
      help: 'Sends the contact budget deferred to a later moment, by reason: household-limit, household-channel-limit, household-min-gap, debtor-limit, debtor-channel-limit, debtor-min-gap, priority',
      labelNames: ['corporation', 'flow', 'reason'],
      registers: [registry],
    }),
    stepsQueued: new Counter({
      name: 'outputstraat_steps_queued_total',
      help: 'Send and alert steps this replica queued for the dispatchers on JetStream',
      labelNames: ['corporation', 'flow', 'channel'],
      registers: [registry],
    }),
    stepsDue: new Gauge({
      name: 'outputstraat_steps_due',
      help: 'Send and alert steps whose time has come and that no dispatcher holds yet (sampled)',
      labelNames: ['corporation', 'flow', 'channel'],
      registers: [registry],
    }),
    stepsWaiting: new Gauge({
      name: 'outputstraat_steps_queued',
      help: 'Send and alert steps queued on JetStream and not finished yet (sampled)',
      labelNames: ['corporation', 'flow', 'channel'],
      registers: [registry],
    }),
    dueToSent: new Histogram({
      name: 'outputstraat_step_due_to_sent_seconds',
      help: 'Seconds from a step being due to its message being handed to the provider',
      labelNames: ['channel'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600],
      registers: [registry],
    }),
    consumerPending: new Gauge({
      name: 'outputstraat_jetstream_consumer_pending',
      help: 'Messages in the stream not yet delivered to the consumer (num_pending, sampled; a dispatch message carries up to OST_DISPATCH_GROUP sends)',
      labelNames: ['stream', 'consumer'],
      registers: [registry],
    }),
    corporationLag: new Gauge({
      name: 'outputstraat_corporation_lag_seconds',
      help: 'Per corporation, how long its oldest waiting work waits (stage intake: accepted and not stored yet; dispatch: due and not sent yet), sampled; 0 when nothing waits',
      labelNames: ['corporation', 'stage'],
      registers: [registry],
    }),
    consumerAckPending: new Gauge({
      name: 'outputstraat_jetstream_consumer_ack_pending',
      help: 'Messages delivered to the consumer and not acknowledged yet (num_ack_pending, sampled)',
      labelNames: ['stream', 'consumer'],
      registers: [registry],
    }),
    bundlesRefused: new Counter({
      name: 'outputstraat_bundles_refused_total',
      help: 'Bundles this replica refused to load because they reach outside their corporation (reason: payment-host, api-key, base-is-corporation, foreign-source, invalid-name)',
      labelNames: ['corporation', 'reason'],
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: 'outputstraat_dead_letters_total',
      help: 'Intake and dispatch messages given up as dead letters (GET /v1/dead-letters), by stream and error code',
      labelNames: ['corporation', 'stream', 'code'],
      registers: [registry],
    }),
    replies: new Counter({
      name: 'outputstraat_replies_total',
      help: 'SMS and email replies of debtors stored, by the class their reply rules gave (already-paid, dispute, deceased, stop, other)',
      labelNames: ['corporation', 'class'],
      registers: [registry],
    }),
    // Outcomes of the dossiers started in the last OUTCOME_WINDOW_DAYS (docs/outcomes.md; sampled).
    outcomeDossiers: new Gauge({
      name: 'outputstraat_outcome_dossiers',
      help: 'Dossiers started in the last 90 days, per flow (sampled)',
      labelNames: ['corporation', 'flow'],
      registers: [registry],
    }),
    outcomeDossiersPaid: new Gauge({
      name: 'outputstraat_outcome_dossiers_paid',
      help: 'Of those, paid in full (paid="full") or partly (paid="partly") within 3, 7, 14 or 30 days of the start (sampled)',
      labelNames: ['corporation', 'flow', 'paid', 'within_days'],
      registers: [registry],
    }),
    outcomeRecovered: new Gauge({
      name: 'outputstraat_outcome_recovered_euros',
      help: 'Euros paid on dossiers started in the last 90 days, per flow (sampled)',
      labelNames: ['corporation', 'flow'],
      registers: [registry],
    }),
    outcomeDossierEvents: new Gauge({
      name: 'outputstraat_outcome_dossiers_with',
      help: 'Dossiers started in the last 90 days with an arrangement, a reply or a complaint (what) (sampled)',
      labelNames: ['corporation', 'flow', 'what'],
      registers: [registry],
    }),
    outcomeMessages: new Gauge({
      name: 'outputstraat_outcome_messages',
      help: 'Messages sent to debtors of dossiers started in the last 90 days, per flow, step and channel (sampled)',
      labelNames: ['corporation', 'flow', 'step', 'channel'],
      registers: [registry],
    }),
    outcomeMessagesPaid: new Gauge({
      name: 'outputstraat_outcome_messages_paid',
      help: 'Of those, the last message before a payment in full within 3, 7, 14 or 30 days of it (last touch) (sampled)',
      labelNames: ['corporation', 'flow', 'step', 'channel', 'within_days'],
      registers: [registry],
    }),
    outcomeMessageRecovered: new Gauge({
      name: 'outputstraat_outcome_message_recovered_euros',
      help: 'Euros paid after a message and before the next (last touch), per flow, step and channel (sampled)',
      labelNames: ['corporation', 'flow', 'step', 'channel'],
      registers: [registry],
    }),
    outcomeCost: new Gauge({
      name: 'outputstraat_outcome_cost_euros',
      help: 'What those messages cost at their channels’ pricePerMessage, per flow, step and channel (sampled)',
      labelNames: ['corporation', 'flow', 'step', 'channel'],
      registers: [registry],
    }),
    configRevision: new Gauge({
      name: 'outputstraat_config_revision_info',
      help: 'The config bundle revision a runtime has active, per corporation (value 1)',
      labelNames: ['corporation', 'revision'],
      registers: [registry],
    }),
  };
}

export type RuntimeMetrics = ReturnType<typeof createRuntimeMetrics>;
