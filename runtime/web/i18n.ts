// Page texts in Dutch and English, and the choice between them: `?lang=` first, then the browser's
// Accept-Language, then the debtor's and the corporation's locale.
export type Lang = 'nl' | 'en';

const nl = {
  langName: 'Nederlands',
  switchTo: 'English',
  notFoundTitle: 'Pagina niet gevonden',
  notFoundBody:
    'Deze link bestaat niet of is niet meer geldig. Gebruik de link uit het meest recente bericht, of neem contact op met uw verhuurder.',
  errorTitle: 'Er ging iets mis',
  errorBody: 'Probeer het over een paar minuten opnieuw. Lukt het dan nog niet? Neem contact met ons op.',
  badRequestTitle: 'Deze link klopt niet',
  badRequestBody:
    'Het adres is beschadigd of onvolledig. Open de link opnieuw vanuit uw bericht, of neem contact op met uw verhuurder.',
  errorReference: 'Foutcode',
  payTitle: 'Betalen',
  amountDue: 'Te betalen',
  amount: 'Bedrag',
  amountPaid: 'Betaald bedrag',
  invoiceNumber: 'Factuurnummer',
  paymentReference: 'Betalingskenmerk',
  description: 'Omschrijving',
  dueDate: 'Vervaldatum',
  openItems: 'Openstaande posten',
  openItemsIntro: 'U betaalt alles wat nog openstaat in één keer.',
  total: 'Totaal',
  payWithIdeal: 'Betaal met iDEAL',
  payIntro: 'U betaalt veilig met iDEAL via uw eigen bank.',
  payUnavailable:
    'Online betalen is op dit moment niet mogelijk. U kunt het bedrag overmaken met het betalingskenmerk hieronder.',
  alreadyPaidTitle: 'Al betaald',
  alreadyPaidBody: 'Dit bedrag is al betaald. U hoeft niets meer te doen. Dank u wel!',
  successTitle: 'Betaling gelukt',
  successBody: 'Wij hebben uw betaling ontvangen. Dank u wel! U ontvangt hierover geen herinneringen meer.',
  pendingTitle: 'Betaling wordt verwerkt',
  pendingBody:
    'Uw bank verwerkt de betaling nog. Deze pagina ververst vanzelf; u kunt hem ook sluiten, wij verwerken de betaling zodra uw bank die bevestigt.',
  checkAgain: 'Opnieuw controleren',
  notFinishedTitle: 'Betaling nog niet afgerond',
  notFinishedBody:
    'U heeft de betaling nog niet afgerond. Er is niets afgeschreven. U kunt verdergaan waar u was.',
  continuePaying: 'Verder met betalen',
  failedTitle: 'Betaling niet gelukt',
  failedBody: 'De betaling is afgebroken of mislukt. Er is niets afgeschreven. U kunt het opnieuw proberen.',
  tryAgain: 'Opnieuw betalen',
  questions: 'Vragen?',
  contactIntro: 'Neem gerust contact met ons op.',
  phone: 'Telefoon',
  email: 'E-mail',
  website: 'Website',
  errorsIntro: 'Controleer de gemarkeerde velden.',
  contactTitle: 'Uw contactgegevens',
  contactIntroForm:
    'Zo kunnen wij u bereiken als dat nodig is. Wij sturen een bevestiging naar het nieuwe e-mailadres.',
  mobileLabel: 'Mobiel nummer',
  mobileHint: 'Bijvoorbeeld 06 12345678',
  emailLabel: 'E-mailadres',
  emailHint: 'Bijvoorbeeld naam@voorbeeld.nl',
  save: 'Opslaan',
  contactNeedOne: 'Vul een mobiel nummer of een e-mailadres in.',
  mobileInvalid: 'Vul een geldig mobiel nummer in, bijvoorbeeld 06 12345678 of +31 6 12345678.',
  emailInvalid: 'Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl.',
  contactThanksTitle: 'Bedankt',
  contactThanksBody: 'Uw contactgegevens zijn opgeslagen.',
  contactThanksMail: 'Wij hebben een bevestiging naar uw nieuwe e-mailadres gestuurd.',
  contactReceivedTitle: 'Al ontvangen',
  contactReceivedBody:
    'Wij hebben uw contactgegevens via deze link al ontvangen. U hoeft niets meer te doen.',
  contactReceivedChange:
    'Wilt u uw gegevens nog een keer wijzigen? Neem dan contact met ons op; deze link werkt maar één keer.',
  tooManyTitle: 'Even geduld',
  tooManyBody:
    'Er zijn in korte tijd te veel verzoeken gedaan. Wacht een paar minuten en probeer het dan opnieuw. Er is niets opgeslagen.',
  confirmSubject: 'Uw nieuwe e-mailadres is opgeslagen',
  confirmBody:
    'U heeft dit e-mailadres doorgegeven als contactadres. Heeft u dit niet zelf gedaan? Neem dan contact met ons op.',
  meterTitle: 'Meterstand doorgeven',
  meterIntro: 'Geef de stand van uw meter door. Kijk op de meter en vul alleen de hele getallen in.',
  address: 'Adres',
  meterNumberLabel: 'Meternummer',
  meterNumberHint: 'Staat op de meter, meestal boven of onder de telwielen',
  readingLabel: 'Meterstand',
  readingHint: 'Alleen cijfers, zonder komma',
  readOnLabel: 'Datum van aflezen',
  lastReading: 'Vorige stand',
  submit: 'Versturen',
  meterNumberRequired: 'Vul het meternummer in.',
  readingRequired: 'Vul de meterstand in als heel getal, bijvoorbeeld 04512.',
  readOnInvalid: 'Vul een datum in die niet in de toekomst ligt.',
  readingLower: 'Deze stand is lager dan de vorige stand (%s). Kijk nog eens goed op de meter.',
  readingTooHigh:
    'Deze stand is veel hoger dan wij verwachten (meer dan %s sinds de vorige stand). Kijk nog eens goed op de meter.',
  confirmLabel: 'Ik weet zeker dat deze stand klopt',
  meterThanksTitle: 'Bedankt',
  meterThanksBody: 'Uw meterstand is ontvangen.',
  meterReviewBody: 'Omdat de stand afwijkt van wat wij verwachten, kijkt een medewerker er nog naar.',
};

export type Texts = typeof nl;

const en: Texts = {
  langName: 'English',
  switchTo: 'Nederlands',
  notFoundTitle: 'Page not found',
  notFoundBody:
    'This link does not exist or is no longer valid. Use the link in the most recent message, or contact your landlord.',
  errorTitle: 'Something went wrong',
  errorBody: 'Please try again in a few minutes. Still not working? Please contact us.',
  badRequestTitle: 'This link is not right',
  badRequestBody:
    'The address is damaged or incomplete. Open the link from your message again, or contact your landlord.',
  errorReference: 'Error code',
  payTitle: 'Payment',
  amountDue: 'Amount due',
  amount: 'Amount',
  amountPaid: 'Amount paid',
  invoiceNumber: 'Invoice number',
  paymentReference: 'Payment reference',
  description: 'Description',
  dueDate: 'Due date',
  openItems: 'Open items',
  openItemsIntro: 'You pay everything that is still open at once.',
  total: 'Total',
  payWithIdeal: 'Pay with iDEAL',
  payIntro: 'You pay securely with iDEAL through your own bank.',
  payUnavailable:
    'Paying online is not possible right now. You can transfer the amount using the payment reference below.',
  alreadyPaidTitle: 'Already paid',
  alreadyPaidBody: 'This amount has already been paid. There is nothing more you need to do. Thank you!',
  successTitle: 'Payment received',
  successBody: 'We have received your payment. Thank you! You will not receive further reminders about it.',
  pendingTitle: 'Payment is being processed',
  pendingBody:
    'Your bank is still processing the payment. This page refreshes by itself; you may also close it, we process the payment as soon as your bank confirms it.',
  checkAgain: 'Check again',
  notFinishedTitle: 'Payment not finished yet',
  notFinishedBody:
    'You have not finished the payment yet. Nothing was debited. You can continue where you left off.',
  continuePaying: 'Continue paying',
  failedTitle: 'Payment failed',
  failedBody: 'The payment was cancelled or failed. Nothing was debited. You can try again.',
  tryAgain: 'Pay again',
  questions: 'Questions?',
  contactIntro: 'Feel free to contact us.',
  phone: 'Phone',
  email: 'Email',
  website: 'Website',
  errorsIntro: 'Please check the marked fields.',
  contactTitle: 'Your contact details',
  contactIntroForm: 'So we can reach you when needed. We send a confirmation to the new email address.',
  mobileLabel: 'Mobile number',
  mobileHint: 'For example 06 12345678',
  emailLabel: 'Email address',
  emailHint: 'For example name@example.com',
  save: 'Save',
  contactNeedOne: 'Enter a mobile number or an email address.',
  mobileInvalid: 'Enter a valid mobile number, for example 06 12345678 or +31 6 12345678.',
  emailInvalid: 'Enter a valid email address, for example name@example.com.',
  contactThanksTitle: 'Thank you',
  contactThanksBody: 'Your contact details have been saved.',
  contactThanksMail: 'We have sent a confirmation to your new email address.',
  contactReceivedTitle: 'Already received',
  contactReceivedBody:
    'We have already received your contact details through this link. There is nothing more to do.',
  contactReceivedChange:
    'Do you want to change your details again? Please contact us; this link works only once.',
  tooManyTitle: 'Please wait',
  tooManyBody:
    'Too many requests were made in a short time. Wait a few minutes and try again. Nothing was saved.',
  confirmSubject: 'Your new email address has been saved',
  confirmBody:
    'You gave this email address as your contact address. Did you not do this yourself? Please contact us.',
  meterTitle: 'Submit a meter reading',
  meterIntro: 'Submit the reading of your meter. Look at the meter and enter whole numbers only.',
  address: 'Address',
  meterNumberLabel: 'Meter number',
  meterNumberHint: 'Printed on the meter, usually above or below the dials',
  readingLabel: 'Meter reading',
  readingHint: 'Digits only, no decimal comma',
  readOnLabel: 'Date of reading',
  lastReading: 'Previous reading',
  submit: 'Submit',
  meterNumberRequired: 'Enter the meter number.',
  readingRequired: 'Enter the reading as a whole number, for example 04512.',
  readOnInvalid: 'Enter a date that is not in the future.',
  readingLower: 'This reading is lower than the previous reading (%s). Please look at the meter again.',
  readingTooHigh:
    'This reading is much higher than we expect (more than %s since the previous reading). Please look at the meter again.',
  confirmLabel: 'I am sure this reading is correct',
  meterThanksTitle: 'Thank you',
  meterThanksBody: 'Your meter reading has been received.',
  meterReviewBody: 'Because the reading differs from what we expect, a colleague will look at it.',
};

export const TEXTS: Record<Lang, Texts> = { nl, en };

export function isLang(value: unknown): value is Lang {
  return value === 'nl' || value === 'en';
}

/** The first of nl/en in the Accept-Language header, by quality. */
export function fromAcceptLanguage(header: string | undefined): Lang | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)).find(Boolean);
      return { lang: tag.trim().toLowerCase().split('-')[0], q: q ? Number(q[1]) : 1, index };
    })
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked.map((r) => r.lang).find(isLang);
}

export function pickLang(query: unknown, acceptLanguage: string | undefined, ...fallbacks: unknown[]): Lang {
  if (isLang(query)) return query;
  return fromAcceptLanguage(acceptLanguage) ?? fallbacks.find(isLang) ?? 'nl';
}

export function fill(text: string, ...args: string[]): string {
  let i = 0;
  return text.replace(/%s/g, () => args[i++] ?? '');
}
