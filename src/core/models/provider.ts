/** Where image requests go: OpenAI, an Azure OpenAI resource, or any OpenAI-compatible endpoint. */
export type Provider = 'openai' | 'azure' | 'openai-compatible';
