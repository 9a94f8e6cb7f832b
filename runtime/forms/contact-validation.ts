// Server-side checks of the contact-data form. Numbers are normalised to E.164 (+31612345678), the form
// most channels and the ERP expect; a Dutch mobile number may be typed the way people write it.
import type { Texts } from '../web/index.js';

export interface ContactInput {
  mobile?: string;
  email?: string;
}

export interface ContactValues {
  phone?: string;
  email?: string;
}

export type FieldErrors = Partial<Record<string, string>>;

const EMAIL =
  /^[^\s@"<>(),;:\\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** +31612345678 from "06 12345678", "+31 6-1234 5678", "0031612345678"; undefined when not a mobile number. */
export function normaliseMobile(input: string): string | undefined {
  const compact = input.replace(/[\s().-]/g, '');
  let e164: string;
  if (/^06\d{8}$/.test(compact)) e164 = `+31${compact.slice(1)}`;
  else if (/^00[1-9]\d{6,14}$/.test(compact)) e164 = `+${compact.slice(2)}`;
  else if (/^\+[1-9]\d{6,14}$/.test(compact)) e164 = compact;
  else return undefined;
  // A Dutch number must be a mobile one (06): SMS cannot reach a landline.
  if (e164.startsWith('+31') && !/^\+316\d{8}$/.test(e164)) return undefined;
  return e164;
}

export function normaliseEmail(input: string): string | undefined {
  const email = input.trim();
  if (email.length > 254 || !EMAIL.test(email)) return undefined;
  const at = email.lastIndexOf('@');
  return `${email.slice(0, at)}@${email.slice(at + 1).toLowerCase()}`;
}

export function validateContact(
  input: ContactInput,
  t: Texts,
): { ok: true; values: ContactValues } | { ok: false; errors: FieldErrors } {
  const mobile = (input.mobile ?? '').trim();
  const email = (input.email ?? '').trim();
  const errors: FieldErrors = {};
  const values: ContactValues = {};
  if (!mobile && !email) {
    errors.mobile = t.contactNeedOne;
    return { ok: false, errors };
  }
  if (mobile) {
    const phone = normaliseMobile(mobile);
    if (phone) values.phone = phone;
    else errors.mobile = t.mobileInvalid;
  }
  if (email) {
    const normalised = normaliseEmail(email);
    if (normalised) values.email = normalised;
    else errors.email = t.emailInvalid;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, values };
}
