// A consultant alert is work for a person: the dispatcher opens a task for it (kind `alert`) in the same
// transaction that records the alert message, and the alert email links to the task in the staff console
// (`https://<payment host>/console/tasks/<id>`, docs/console.md). The task's id is derived from the step
// row, so a second attempt of the same alert finds its task and the email carries the same link.
import type { ConfigBundle } from '../../core/bundle/types.js';
import { type CaseRow, consoleUrl, derivedTaskId, openTask, type Tx } from '../dossiers/index.js';

export interface AlertTaskInput {
  bundle: ConfigBundle;
  caseRow: CaseRow;
  /** The steps row of the alert. */
  stepRowId: string;
  debtorRef: string | null;
  action: string;
  /** Dutch label of the suggested action ("Bel de huurder"): the street's own words, no personal data. */
  actionLabel: string;
  externalId: string;
  /** The names of the recipients the alert goes to: the team whose list shows the task. */
  teams: string[];
  publicUrl: string;
  now: Date;
}

/** Opens the alert's task (once); its console address when the corporation has a console. */
export async function openAlertTask(tx: Tx, a: AlertTaskInput): Promise<string | undefined> {
  const id = derivedTaskId(`alert:${a.stepRowId}`);
  await openTask(tx, {
    id,
    corporation: a.caseRow.corporation,
    kind: 'alert',
    debtorRef: a.debtorRef,
    caseId: a.caseRow.id,
    replyId: null,
    title: `${a.actionLabel} (${a.action}): ${a.externalId}, flow ${a.caseRow.flow}`,
    team: a.teams.length === 1 ? a.teams[0]! : null,
    createdAt: a.now,
  });
  return a.bundle.corporation.console ? consoleUrl(a.bundle, a.publicUrl, `/tasks/${id}`) : undefined;
}
