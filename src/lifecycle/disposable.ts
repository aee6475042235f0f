import type * as vscode from 'vscode';
import { disposeAll } from '../core/lifecycle/disposeAll';

/**
 * Owns disposables and disposes them with itself, in reverse order of registration. One
 * that throws does not keep the others alive: all are disposed, then every failure is
 * thrown together as one `AggregateError`.
 */
export abstract class Disposable implements vscode.Disposable {
	private readonly disposables: vscode.Disposable[] = [];
	private disposed = false;

	protected get isDisposed(): boolean {
		return this.disposed;
	}

	protected register<T extends vscode.Disposable>(disposable: T): T {
		if (this.disposed) {
			disposable.dispose();
		} else {
			this.disposables.push(disposable);
		}
		return disposable;
	}

	dispose(): void {
		if (this.disposed) {
			return;
		}
		this.disposed = true;
		const owned = this.disposables.splice(0).reverse();
		disposeAll(owned);
	}
}
