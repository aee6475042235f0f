import * as vscode from 'vscode';

/** Whether a file system call failed because the file (or its folder) is not there. */
export function isFileNotFound(error: unknown): boolean {
	return error instanceof vscode.FileSystemError && error.code === 'FileNotFound';
}

const FILE_ERRORS: Record<string, string> = {
	ENOTDIR: 'a file is where a folder should be',
	EACCES: 'permission denied',
	EPERM: 'permission denied',
	NoPermissions: 'permission denied',
	EROFS: 'the file system is read-only',
	ENOSPC: 'the disk is full',
	EDQUOT: 'the disk quota is used up',
	Unavailable: 'the file system is unavailable',
};

/** A file system error in a few words, without the absolute path its message may carry. */
export function describeFileError(error: unknown): string {
	const text = `${error instanceof vscode.FileSystemError ? error.code : ''} ${error instanceof Error ? error.message : String(error)}`;
	const code = Object.keys(FILE_ERRORS).find(candidate => new RegExp(`\\b${candidate}\\b`).test(text));
	return code ? FILE_ERRORS[code] : 'a file system error';
}
