import * as assert from 'node:assert/strict';
import { disposeAll } from '../../src/core/lifecycle/disposeAll';
import { Disposable } from '../../src/lifecycle/disposable';

function recorder(log: string[], name: string, failure?: Error) {
	return {
		dispose: () => {
			log.push(name);
			if (failure) {
				throw failure;
			}
		},
	};
}

class Owner extends Disposable {
	add<T extends { dispose(): void }>(item: T): T {
		return this.register(item);
	}
}

suite('Disposal disposes everything and reports every failure', () => {
	test('disposeAll goes on past a failure and throws all failures together', () => {
		const log: string[] = [];
		const first = new Error('first failed');
		const third = new Error('third failed');
		let thrown: unknown;
		try {
			disposeAll([recorder(log, 'a', first), recorder(log, 'b'), undefined, recorder(log, 'c', third)]);
		} catch (error) {
			thrown = error;
		}
		assert.deepEqual(log, ['a', 'b', 'c']);
		assert.ok(thrown instanceof AggregateError);
		assert.deepEqual(thrown.errors, [first, third]);
		assert.match(thrown.message, /2 of 3 disposables failed to dispose: first failed; third failed/);
	});

	test('disposeAll throws nothing when all succeed', () => {
		const log: string[] = [];
		disposeAll([recorder(log, 'a'), recorder(log, 'b')]);
		assert.deepEqual(log, ['a', 'b']);
	});

	test('a Disposable disposes what it owns in reverse order, even past one that throws, once', () => {
		const log: string[] = [];
		const owner = new Owner();
		owner.add(recorder(log, 'first'));
		owner.add(recorder(log, 'second', new Error('second failed')));
		owner.add(recorder(log, 'third'));
		assert.throws(() => owner.dispose(), (error: unknown) => error instanceof AggregateError && /second failed/.test(error.message));
		assert.deepEqual(log, ['third', 'second', 'first']);
		owner.dispose();
		assert.deepEqual(log, ['third', 'second', 'first'], 'a second dispose does nothing');
		owner.add(recorder(log, 'late'));
		assert.deepEqual(log, ['third', 'second', 'first', 'late'], 'registered after disposal: disposed at once');
	});
});
