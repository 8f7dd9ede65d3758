// The tabs (ARIA tablist). A panel that is shown gets a 'shown' event, so
// what a tab loads is wired with that tab's code and this module imports none.
import { $ } from './dom.js';

export const TABS = ['account', 'models', 'chat', 'usage', 'keys'];

export function selectTab(name, focus) {
  for (const t of TABS) {
    const tab = $(`#tab-${t}`), on = t === name;
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
    $(`#panel-${t}`).hidden = !on;
  }
  // A narrow window scrolls the tab bar: keep the selected tab in it.
  $(`#tab-${name}`).scrollIntoView({ block: 'nearest', inline: 'nearest' });
  if (focus) $(`#tab-${name}`).focus();
  if (window.location.hash !== `#${name}`) history.replaceState(null, '', `#${name}`);
  $(`#panel-${name}`).dispatchEvent(new Event('shown'));
}

export function wireTabs() {
  $('#tablist').addEventListener('click', (ev) => {
    const tab = ev.target.closest('[role="tab"]');
    if (tab) selectTab(tab.id.slice(4));
  });
  $('#tablist').addEventListener('keydown', (ev) => {
    const i = TABS.indexOf(document.activeElement.id.slice(4));
    if (i < 0) return;
    let j = null;
    if (ev.key === 'ArrowRight') j = (i + 1) % TABS.length;
    else if (ev.key === 'ArrowLeft') j = (i + TABS.length - 1) % TABS.length;
    else if (ev.key === 'Home') j = 0;
    else if (ev.key === 'End') j = TABS.length - 1;
    if (j !== null) { ev.preventDefault(); selectTab(TABS[j], true); }
  });
}
