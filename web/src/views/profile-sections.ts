// Fills the Profil tab's account part once the session is known: with accounts on, the user's
// pots with sharing, claiming, classes, the account itself, sessions and API tokens.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { classPanels } from './class-panel.js';
import { claimPanel } from './claim-form.js';
import { session } from './login-session.js';
import { accountPanels } from './profile-account.js';
import { call, fetchProfile, type GroupRow } from './profile-api.js';
import { myPotsPanel } from './share-panel.js';

let stylesAdded = false;

// index.html links the dashboard's own sheets; the account panels bring theirs.
function addStyles(): void {
  if (stylesAdded) return;
  stylesAdded = true;
  document.head.append(h('link', { attrs: { rel: 'stylesheet', href: 'auth.css' } }));
}

/** Renders the account panels into `holder`; `hubPots` is hidden, since "my pots" replaces it. */
export async function mountAccount(holder: HTMLElement, hubPots: HTMLElement): Promise<void> {
  const info = await session();
  if (!info.auth || info.user === null) return;
  addStyles();
  hubPots.hidden = true;
  // `claimedPotId` is the pot just claimed, confirmed in the new "Ajouter un pot" panel.
  const render = async (claimedPotId: string | null = null): Promise<void> => {
    try {
      const [profile, groups] = await Promise.all([fetchProfile(), call<{ groups: GroupRow[] }>('GET', 'api/groups')]);
      const reload = (): void => void render();
      holder.replaceChildren(
        myPotsPanel(profile.pots, groups.groups, reload),
        claimPanel((potId) => void render(potId), claimedPotId),
        ...classPanels(groups.groups, profile.user.role === 'owner', reload),
        ...accountPanels(profile, reload));
    } catch (err) {
      holder.replaceChildren(h('p', { class: 'error', attrs: { role: 'alert' }, text: t('account.loadFailed', { error: (err as Error).message }) }));
    }
  };
  await render();
}
