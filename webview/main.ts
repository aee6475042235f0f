import {
	provideVSCodeDesignSystem,
	vsCodeButton,
	vsCodeCheckbox,
	vsCodeDropdown,
	vsCodeOption,
	vsCodeProgressRing,
	vsCodeTextArea,
	vsCodeTextField,
} from '@vscode/webview-ui-toolkit';
import { GenerateView } from './generateView';
import { HistoryView } from './historyView';

provideVSCodeDesignSystem().register(
	vsCodeButton(),
	vsCodeCheckbox(),
	vsCodeDropdown(),
	vsCodeOption(),
	vsCodeProgressRing(),
	vsCodeTextArea(),
	vsCodeTextField(),
);

const root = document.getElementById('root') as HTMLElement;
if (document.body.dataset.view === 'history') {
	new HistoryView().mount(root);
} else {
	new GenerateView().mount(root);
}
