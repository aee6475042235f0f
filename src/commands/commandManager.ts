import * as vscode from 'vscode';

/** A command: its id and what it does. */
export interface Command {
	readonly id: string;
	execute(...args: unknown[]): unknown;
}

/** Registers commands in one place and disposes them together. */
export class CommandManager implements vscode.Disposable {
	private readonly registrations = new Map<string, vscode.Disposable>();

	register(command: Command): void {
		if (this.registrations.has(command.id)) {
			throw new Error(`Command ${command.id} is registered twice.`);
		}
		this.registrations.set(command.id, vscode.commands.registerCommand(command.id, (...args: unknown[]) => command.execute(...args)));
	}

	dispose(): void {
		for (const registration of this.registrations.values()) {
			registration.dispose();
		}
		this.registrations.clear();
	}
}
