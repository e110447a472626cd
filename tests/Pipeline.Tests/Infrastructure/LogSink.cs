using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Pipeline.Tests.Infrastructure;

/// <summary>Collects every log event and scope, at every level, for tests that check what is (and is not) logged.</summary>
public sealed class LogSink : ILoggerProvider, ILoggerFactory
{
    public ConcurrentQueue<LogEntry> Entries { get; } = [];

    /// <summary>Gets every message and scope text, with the exception when there is one.</summary>
    public IEnumerable<string> Messages => Entries.Select(e => e.Message + (e.Exception is null ? string.Empty : " " + e.Exception));

    public ILogger CreateLogger(string categoryName) => new SinkLogger(this, categoryName);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
    }

    public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);

    private sealed class SinkLogger(LogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            sink.Entries.Enqueue(new LogEntry(category, LogLevel.None, default, state.ToString() ?? string.Empty, null));
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink.Entries.Enqueue(new LogEntry(category, logLevel, eventId, formatter(state, exception), exception));
    }
}
