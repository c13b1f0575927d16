// Errors of the hub's API in the page's language. The hub's JSON error body carries a stable `code`
// beside its English `error` (hub/routes/pot-params.ts, hub/accounts/errors.ts). The page shows
// its own text for each code in its table, and folds the hub's text under a generic line otherwise,
// as the "Arroser" panel does with the pot's reason codes (watering-texts.ts).
import { HttpError } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';

type ErrorText = (retryAfterS: number | null) => string;

// Written out so every key appears as t('…') in the sources (test/web/strings.test.ts). The MAC
// codes are the reasons of domain/pot-id.ts, the claim codes those of AccountError.
const CODE_TEXT: Record<string, ErrorText> = {
  mac_not_text: () => t('apiError.mac_not_text'),
  mac_format: () => t('apiError.mac_format'),
  mac_multicast: () => t('apiError.mac_multicast'),
  mac_all_zero: () => t('apiError.mac_all_zero'),
  pot_not_found: () => t('apiError.pot_not_found'),
  claim_code_invalid: () => t('apiError.claim_code_invalid'),
  claim_code_wrong: () => t('apiError.claim_code_wrong'),
  claim_taken: () => t('apiError.claim_taken'),
  claim_unavailable: () => t('apiError.claim_unavailable'),
  throttled: (retryAfterS) => t('apiError.throttled', { minutes: Math.max(1, Math.ceil((retryAfterS ?? 60) / 60)) }),
};

/** Returns the page's text for an error code, or null when this dashboard does not know the code. */
export function errorCodeText(code: string | null, retryAfterS: number | null = null): string | null {
  const text = code === null ? undefined : CODE_TEXT[code];
  return text === undefined ? null : text(retryAfterS);
}

/**
 * Builds the line that explains a failed call. A known code gets the page's own text. An unknown
 * code gets a generic line with the hub's text folded as a detail. An error without a code, from
 * the network or from a route that sets none, shows its message as it is.
 */
export function apiErrorElement(err: unknown): HTMLElement {
  if (!(err instanceof HttpError) || err.errorBody.code === null) {
    // NOTE: routes without a code still send French then English in one string (hub/accounts).
    return h('span', { class: 'api-error', text: err instanceof Error ? err.message : String(err) });
  }

  const { code, hubError, retryAfterS } = err.errorBody;
  const known = errorCodeText(code, retryAfterS);
  if (known !== null) return h('span', { class: 'api-error', attrs: { 'data-code': code }, text: known });
  return h('span', { class: 'api-error', attrs: { 'data-code': code } },
    t('apiError.unknown'), ' ',
    h('details', { class: 'api-error-detail' },
      h('summary', { text: t('apiError.detail') }),
      h('span', { attrs: { lang: 'en' }, text: hubError === null ? code : `${code}: ${hubError}` })));
}
