namespace AuthApp.MigrationService.DjangoImport;

/// <summary>The import cannot start or go on; the message says why and what to do, and holds no secret.</summary>
public sealed class DjangoImportException(string message, Exception? inner = null) : Exception(message, inner);
