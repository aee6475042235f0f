import {
	provideVSCodeDesignSystem,
	vsCodeButton,
	vsCodeCheckbox,
	vsCodeDropdown,
	vsCodeOption,
	vsCodeTextArea,
	vsCodeTextField,
} from '@vscode/webview-ui-toolkit';
import * as l10n from '@vscode/l10n';
import { L10N_ELEMENT_ID } from '../src/protocol/messages';
import { GenerateView } from './generateView';
import { HistoryView } from './historyView';

// The translations come first: the views and the core checks they run read them as they render.
l10n.config({ contents: document.getElementById(L10N_ELEMENT_ID)?.textContent || '{}' });

const history = document.body.dataset.view === 'history';
// The history has buttons only: it defines no other control (each definition costs the page's start).
provideVSCodeDesignSystem().register(...(history ? [vsCodeButton()] : [
	vsCodeButton(),
	vsCodeCheckbox(),
	vsCodeDropdown(),
	vsCodeOption(),
	vsCodeTextArea(),
	vsCodeTextField(),
]));

const root = document.getElementById('root') as HTMLElement;
if (history) {
	new HistoryView().mount(root);
} else {
	new GenerateView().mount(root);
}
