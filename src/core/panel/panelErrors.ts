import * as l10n from '@vscode/l10n';
import { IllustrateError } from '../errors';
import type { ErrorAction } from '../generation/apiErrors';

/** An error as the panel shows it (the protocol's `PanelError` has this shape). */
export interface PanelErrorView {
	readonly message: string;
	readonly actions: readonly { readonly id: ErrorAction; readonly label: string }[];
}

/** The button label of an error's action. */
export function actionLabel(action: ErrorAction): string {
	switch (action) {
		case 'setApiKey':
			return l10n.t('Set API Key');
		case 'retry':
			return l10n.t('Retry');
		case 'openVerification':
			return l10n.t('Verify Organization');
		case 'openBilling':
			return l10n.t('Open Billing');
	}
}

/** The actions that open a page of the OpenAI platform, and the page. */
export const ACTION_LINKS: Partial<Record<ErrorAction, string>> = {
	openVerification: 'https://platform.openai.com/settings/organization/general',
	openBilling: 'https://platform.openai.com/settings/organization/billing/overview',
};

export function panelError(message: string, actions: readonly ErrorAction[]): PanelErrorView {
	return { message, actions: actions.map(id => ({ id, label: actionLabel(id) })) };
}

/**
 * The error as the panel shows it; `prefix` (such as "1 of 2 failed:") goes before the
 * message. An `IllustrateError` is one the user can act on: its message and actions. Any other
 * is unexpected: a generic message with Retry, and `unexpected` is told (to log it).
 */
export function panelErrorOf(error: unknown, prefix: string | undefined, unexpected: (error: Error | string) => void): PanelErrorView {
	const withPrefix = (message: string) => prefix ? `${prefix} ${message}` : message;
	if (error instanceof IllustrateError) {
		return panelError(withPrefix(error.message), error.actions);
	}
	unexpected(error instanceof Error ? error : String(error));
	return panelError(withPrefix(l10n.t('Something went wrong: {0}. Details are in the Illustrate output.', error instanceof Error ? error.message : String(error))), ['retry']);
}
