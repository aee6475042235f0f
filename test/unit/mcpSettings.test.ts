import * as assert from 'node:assert/strict';
import { agentSettings, parseSettingsText } from '../../src/mcp/workspaceSettings';

suite('MCP server: the settings it takes from a workspace', () => {
	test('JSON with comments and trailing commas, flat or nested keys, destinations kept whole, language sections skipped', () => {
		const { values, problems } = parseSettingsText('{\n // a comment\n "illustrate": { "model": "gpt-image-1.5", "destination": { "docs/**": "img/" } },\n "markdown.copyFiles.destination": { "**": "media/" },\n "[markdown]": { "illustrate.quality": "high" },\n "illustrate.quality": "low",\n}');
		assert.deepEqual(problems, []);
		assert.deepEqual(values, { 'illustrate.model': 'gpt-image-1.5', 'illustrate.destination': { 'docs/**': 'img/' }, 'markdown.copyFiles.destination': { '**': 'media/' }, 'illustrate.quality': 'low' });
		const settings = agentSettings(values, {});
		assert.deepEqual([settings.model, settings.quality, settings.destinations], ['gpt-image-1.5', 'low', { illustrate: { 'docs/**': 'img/' }, markdown: { '**': 'media/' } }]);
	});

	test('a file that is not a settings object is no settings, with the reason', () => {
		assert.deepEqual(parseSettingsText('[1, 2]').values, {});
		assert.deepEqual(parseSettingsText('[1, 2]').problems, ['not a JSON object']);
		assert.match(parseSettingsText('{ "illustrate.model": }').problems[0], /ValueExpected/);
	});

	test('the cost limit: the workspace lowers --max-cost, never lifts or removes it; nonsense values fall back to the defaults', () => {
		assert.equal(agentSettings({ 'illustrate.maxCostPerRequest': 0.1 }, { maxCostPerRequest: 1 }).maxCostPerRequest, 0.1);
		assert.equal(agentSettings({ 'illustrate.maxCostPerRequest': 5 }, { maxCostPerRequest: 1 }).maxCostPerRequest, 1);
		assert.equal(agentSettings({ 'illustrate.maxCostPerRequest': null }, { maxCostPerRequest: 1 }).maxCostPerRequest, 1);
		assert.equal(agentSettings({ 'illustrate.maxCostPerRequest': 0.2 }, {}).maxCostPerRequest, 0.2);
		const defaults = agentSettings({ 'illustrate.model': 42, 'illustrate.outputFormat': 'gif', 'illustrate.linkStyle': 'bbcode', 'illustrate.requestTimeoutSeconds': 1 }, {});
		assert.deepEqual([defaults.model, defaults.outputFormat, defaults.linkStyle, defaults.requestTimeoutMs], ['gpt-image-2', 'png', 'markdown', 10_000]);
	});
});
