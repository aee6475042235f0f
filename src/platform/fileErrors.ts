import * as vscode from 'vscode';

/** Whether a file system call failed because the file (or its folder) is not there. */
export function isFileNotFound(error: unknown): boolean {
	return error instanceof vscode.FileSystemError && error.code === 'FileNotFound';
}

/**
 * Whether a file (or folder) is there. Only "not found" means no: any other error (permission
 * denied, a file where a folder should be, a file system that is unavailable) is thrown, because
 * then nobody knows, and guessing either way could overwrite a file or fill a link that works.
 */
export async function fileExists(uri: vscode.Uri): Promise<boolean> {
	try {
		await vscode.workspace.fs.stat(uri);
		return true;
	} catch (error) {
		if (isFileNotFound(error)) {
			return false;
		}
		throw error;
	}
}

const FILE_ERROR_CODES = ['ENOTDIR', 'EACCES', 'EPERM', 'NoPermissions', 'EROFS', 'ENOSPC', 'EDQUOT', 'Unavailable'] as const;

function fileErrorText(code: typeof FILE_ERROR_CODES[number] | undefined): string {
	switch (code) {
		case 'ENOTDIR':
			return vscode.l10n.t('a file is where a folder should be');
		case 'EACCES':
		case 'EPERM':
		case 'NoPermissions':
			return vscode.l10n.t('permission denied');
		case 'EROFS':
			return vscode.l10n.t('the file system is read-only');
		case 'ENOSPC':
			return vscode.l10n.t('the disk is full');
		case 'EDQUOT':
			return vscode.l10n.t('the disk quota is used up');
		case 'Unavailable':
			return vscode.l10n.t('the file system is unavailable');
		default:
			return vscode.l10n.t('a file system error');
	}
}

/** A file system error in a few words, without the absolute path its message may carry. */
export function describeFileError(error: unknown): string {
	const text = `${error instanceof vscode.FileSystemError ? error.code : ''} ${error instanceof Error ? error.message : String(error)}`;
	return fileErrorText(FILE_ERROR_CODES.find(candidate => new RegExp(`\\b${candidate}\\b`).test(text)));
}
