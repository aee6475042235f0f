import * as assert from 'node:assert/strict';
import { bypassesProxy, configuredProxy, proxyFor } from '../../src/core/network/proxyRules';
import { describeNetworkProblem, networkProblemOf } from '../../src/core/network/networkErrors';
import { describeApiError } from '../../src/core/generation/apiErrors';

const PROXY = 'http://proxy.corp:3128';

suite('proxyFor: the rules of VS Code\'s proxy support', () => {
	test('http.proxy applies to http and https endpoints', () => {
		assert.equal(proxyFor('https://api.openai.com/v1/images/generations', { proxy: PROXY }), PROXY);
		assert.equal(proxyFor('http://gateway.corp:8080/v1', { proxy: PROXY }), PROXY);
	});

	test('no proxy configured, or not an HTTP URL: direct', () => {
		assert.equal(proxyFor('https://api.openai.com/v1', {}), undefined);
		assert.equal(proxyFor('https://api.openai.com/v1', { proxy: '  ' }), undefined);
		assert.equal(proxyFor('data:,', { proxy: PROXY }), undefined);
		assert.equal(proxyFor('not a url', { proxy: PROXY }), undefined);
	});

	test('loopback is always direct', () => {
		for (const url of ['http://127.0.0.1:8080/v1', 'http://localhost/v1', 'http://[::1]:8080/v1']) {
			assert.equal(proxyFor(url, { proxy: PROXY }), undefined, url);
		}
	});

	test('http.noProxy: a host and its subdomains, with or without a leading dot, optionally one port', () => {
		const noProxy = ['corp.example', '.internal', 'gateway.test:8443'];
		assert.equal(proxyFor('https://corp.example/v1', { proxy: PROXY, noProxy }), undefined);
		assert.equal(proxyFor('https://ai.corp.example/v1', { proxy: PROXY, noProxy }), undefined);
		assert.equal(proxyFor('https://notcorp.example/v1', { proxy: PROXY, noProxy }), PROXY);
		assert.equal(proxyFor('http://llm.internal/v1', { proxy: PROXY, noProxy }), undefined);
		assert.equal(proxyFor('https://gateway.test:8443/v1', { proxy: PROXY, noProxy }), undefined);
		assert.equal(proxyFor('https://gateway.test/v1', { proxy: PROXY, noProxy }), PROXY);
		assert.equal(proxyFor('https://API.OpenAI.com/v1', { proxy: PROXY, noProxy: ['api.openai.com'] }), undefined);
		assert.equal(proxyFor('https://api.openai.com/v1', { proxy: PROXY, noProxy: ['*'] }), undefined);
	});

	test('the environment: HTTPS_PROXY when http.proxy is unset, NO_PROXY when http.noProxy is empty', () => {
		const env = { HTTPS_PROXY: 'http://env-proxy:8080', NO_PROXY: 'internal.test,.corp' };
		assert.equal(proxyFor('https://api.openai.com/v1', { env }), 'http://env-proxy:8080');
		assert.equal(proxyFor('https://api.openai.com/v1', { env: { http_proxy: 'http://lower:1' } }), 'http://lower:1');
		assert.equal(proxyFor('https://internal.test/v1', { env }), undefined);
		assert.equal(proxyFor('https://x.corp/v1', { env }), undefined);
		assert.equal(proxyFor('https://api.openai.com/v1', { proxy: PROXY, env }), PROXY, 'http.proxy wins');
		assert.equal(proxyFor('https://internal.test/v1', { proxy: PROXY, noProxy: ['other.test'], env }), PROXY, 'http.noProxy replaces NO_PROXY');
	});

	test('configuredProxy and bypassesProxy', () => {
		assert.equal(configuredProxy({ proxy: 'proxy.corp:3128' }), undefined, 'a proxy needs its scheme');
		assert.equal(configuredProxy({ proxy: ` ${PROXY} ` }), PROXY);
		assert.equal(bypassesProxy([' '], 'api.openai.com', '443'), false);
	});
});

suite('Network problems: certificates and proxies', () => {
	const endpoint = 'https://api.openai.com/v1';

	test('a certificate error deep in fetch\'s cause chain is found', () => {
		const socketError = Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' });
		const fetchError = new TypeError('fetch failed', { cause: socketError });
		const sdkError = new Error('Connection error.', { cause: fetchError });
		assert.deepEqual(networkProblemOf(sdkError), { kind: 'certificate', code: 'SELF_SIGNED_CERT_IN_CHAIN' });
		const altName = Object.assign(new Error('Hostname/IP does not match certificate\'s altnames'), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
		assert.deepEqual(networkProblemOf(new TypeError('fetch failed', { cause: altName })), { kind: 'certificate', code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
	});

	test('a proxy that refuses the tunnel is found, with its status', () => {
		const refused = Object.assign(new Error('Proxy response (407) !== 200 when HTTP Tunneling'), { code: 'UND_ERR_ABORTED' });
		assert.deepEqual(networkProblemOf(new Error('Connection error.', { cause: new TypeError('fetch failed', { cause: refused }) })), { kind: 'proxy', status: 407 });
	});

	test('a proxy that cannot be reached is named, without its credentials', () => {
		const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3128'), { code: 'ECONNREFUSED', address: '127.0.0.1', port: 3128 });
		const sdkError = new Error('Connection error.', { cause: new TypeError('fetch failed', { cause: refused }) });
		assert.deepEqual(networkProblemOf(sdkError, 'http://127.0.0.1:3128'), { kind: 'proxyUnreachable', proxy: 'http://127.0.0.1:3128' });
		assert.deepEqual(networkProblemOf(sdkError, 'http://me:secret@127.0.0.1:3128/'), { kind: 'proxyUnreachable', proxy: 'http://127.0.0.1:3128/' });
		assert.deepEqual(networkProblemOf(refused, 'http://proxy.corp:3128'), { kind: 'proxyUnreachable', proxy: 'http://proxy.corp:3128' }, 'a named proxy: its port');
		const unknown = Object.assign(new Error('getaddrinfo ENOTFOUND proxy.corp'), { code: 'ENOTFOUND', hostname: 'proxy.corp' });
		assert.deepEqual(networkProblemOf(unknown, 'http://PROXY.corp:3128'), { kind: 'proxyUnreachable', proxy: 'http://PROXY.corp:3128' });
		// The endpoint itself refused (reached directly, by http.noProxy): not the proxy.
		const endpointRefused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:443'), { code: 'ECONNREFUSED', address: '10.0.0.5', port: 443 });
		assert.equal(networkProblemOf(endpointRefused, 'http://proxy.corp:3128'), undefined);
		assert.equal(networkProblemOf(Object.assign(new Error('getaddrinfo ENOTFOUND api.openai.com'), { code: 'ENOTFOUND', hostname: 'api.openai.com' }), 'http://proxy.corp:3128'), undefined);
		assert.equal(networkProblemOf(refused), undefined, 'no proxy set');
		const message = describeNetworkProblem({ kind: 'proxyUnreachable', proxy: 'http://proxy.corp:3128' }, endpoint).message;
		assert.match(message, /^Could not reach the proxy http:\/\/proxy\.corp:3128, so nothing was sent to https:\/\/api\.openai\.com\/v1\./);
	});

	test('other connection errors are not network problems', () => {
		const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
		assert.equal(networkProblemOf(new TypeError('fetch failed', { cause: refused })), undefined);
		assert.equal(networkProblemOf(undefined), undefined);
	});

	test('the messages say nothing was sent and name the settings that fix it', () => {
		const certificate = describeNetworkProblem({ kind: 'certificate', code: 'SELF_SIGNED_CERT_IN_CHAIN' }, endpoint);
		assert.match(certificate.message, /certificate of https:\/\/api\.openai\.com\/v1 is not trusted \(SELF_SIGNED_CERT_IN_CHAIN\), so nothing was sent/);
		assert.match(certificate.message, /http\.proxyStrictSSL/);
		const proxy = describeNetworkProblem({ kind: 'proxy', status: 407 }, endpoint);
		assert.match(proxy.message, /proxy refused the connection to https:\/\/api\.openai\.com\/v1 \(407\)/);
		assert.match(proxy.message, /http\.proxy/);
		assert.deepEqual(describeApiError({ kind: 'network', network: { kind: 'proxy', status: 403 }, message: 'Connection error.' }, { model: 'gpt-image-2', endpoint }), describeNetworkProblem({ kind: 'proxy', status: 403 }, endpoint));
	});
});
