using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AuthApp.Tests.Support;

/// <summary>Keeps every log line of a host as "Level: Category: message", for tests that read what a host said.</summary>
public sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, lines);

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel}: {category}: {formatter(state, exception)}"
                + (exception is null ? "" : $" {exception.GetType().Name}: {exception.Message}"));
    }
}
