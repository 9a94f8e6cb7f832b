// Texts of the "pay in terms" and "promise a date" pages, Dutch and English, at plain-language level.
import type { Lang } from '../web/index.js';

const nl = {
  termsLink: 'Kunt u niet alles in één keer betalen? Betaal in termijnen of kies een betaaldatum',
  termsTitle: 'Betalen in termijnen',
  termsIntro:
    'U kunt het bedrag in delen betalen. Kies hoeveel termijnen. De eerste termijn betaalt u nu; daarna elke maand één termijn.',
  open: 'Nog te betalen',
  termsLegend: 'Aantal termijnen',
  termsOption: '%s termijnen van %s',
  termsOptionUneven: '%s termijnen: eerst %s, daarna %s',
  chooseAndPay: 'Kies en betaal de eerste termijn',
  termsUnavailable:
    'Betalen in termijnen kan voor dit bedrag niet via deze pagina. Neem contact met ons op, dan zoeken we samen naar een oplossing.',
  termsInvalid: 'Kies een van de termijnen hieronder.',
  promiseTitle: 'Later betalen',
  promiseIntro:
    'Kunt u het hele bedrag later betalen? Kies de datum waarop u betaalt. Dat kan tot en met %s.',
  promiseLabel: 'Ik betaal uiterlijk op',
  promiseHint: 'Een datum van vandaag tot en met %s',
  promiseSubmit: 'Betaaldatum doorgeven',
  promiseInvalid: 'Kies een datum van vandaag tot en met %s.',
  promiseDoneTitle: 'Betaaldatum ontvangen',
  promiseDoneBody:
    'Dank u wel. Wij verwachten %s uiterlijk op %s. Tot die tijd sturen wij u geen herinneringen. Betaalt u niet op tijd, dan gaan de herinneringen weer door.',
  planTitle: 'Uw betalingsregeling',
  planIntro: 'U betaalt %s in %s termijnen. Betaal elke termijn uiterlijk op de datum hieronder.',
  planTerm: 'Termijn %s',
  planDue: 'uiterlijk %s',
  planPaid: 'betaald',
  planPartly: '%s betaald',
  planOpen: 'open',
  payNext: 'Betaal termijn %s: %s',
  planPromise: 'U heeft beloofd %s te betalen uiterlijk op %s.',
  payNow: 'Nu betalen',
};

type Texts = typeof nl;

const en: Texts = {
  termsLink: "Can't pay it all at once? Pay in instalments or choose a payment date",
  termsTitle: 'Pay in instalments',
  termsIntro:
    'You can pay the amount in parts. Choose how many instalments. You pay the first one now, then one every month.',
  open: 'Still to pay',
  termsLegend: 'Number of instalments',
  termsOption: '%s instalments of %s',
  termsOptionUneven: '%s instalments: first %s, then %s',
  chooseAndPay: 'Choose and pay the first instalment',
  termsUnavailable:
    'Paying in instalments is not possible for this amount on this page. Please contact us and we will find a solution together.',
  termsInvalid: 'Choose one of the options below.',
  promiseTitle: 'Pay later',
  promiseIntro:
    'Can you pay the whole amount later? Choose the date you will pay. Any date up to and including %s.',
  promiseLabel: 'I will pay no later than',
  promiseHint: 'A date from today up to and including %s',
  promiseSubmit: 'Confirm payment date',
  promiseInvalid: 'Choose a date from today up to and including %s.',
  promiseDoneTitle: 'Payment date received',
  promiseDoneBody:
    'Thank you. We expect %s no later than %s. Until then we will not send you reminders. If you do not pay in time, the reminders start again.',
  planTitle: 'Your payment plan',
  planIntro: 'You pay %s in %s instalments. Pay each instalment no later than the date below.',
  planTerm: 'Instalment %s',
  planDue: 'by %s',
  planPaid: 'paid',
  planPartly: '%s paid',
  planOpen: 'open',
  payNext: 'Pay instalment %s: %s',
  planPromise: 'You promised to pay %s no later than %s.',
  payNow: 'Pay now',
};

export const PLAN_TEXTS: Record<Lang, Texts> = { nl, en };
