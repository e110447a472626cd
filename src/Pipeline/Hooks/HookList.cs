using System.Collections;

namespace Pipeline;

/// <summary>
/// Represents an ordered list of response hooks. A hook that returns a non-null <see cref="Pipeline.Response"/>
/// replaces the response for later hooks and for the caller, as in requests' <c>dispatch_hook</c>.
/// </summary>
/// <remarks>Synchronous hooks are added with <c>Add</c>, asynchronous ones with <c>AddAsync</c>, so lambdas never become ambiguous.</remarks>
public sealed class HookList : IEnumerable<Func<Response, CancellationToken, ValueTask<Response?>>>
{
    private readonly List<Func<Response, CancellationToken, ValueTask<Response?>>> _hooks;

    internal HookList()
    {
        _hooks = [];
    }

    internal HookList(HookList other)
    {
        _hooks = new(other._hooks);
    }

    /// <summary>Gets the number of hooks.</summary>
    public int Count => _hooks.Count;

    /// <summary>Adds a hook that observes the response.</summary>
    /// <param name="hook">The hook.</param>
    /// <exception cref="ArgumentNullException"><paramref name="hook"/> is <see langword="null"/>.</exception>
    public void Add(Action<Response> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        _hooks.Add((r, _) =>
        {
            hook(r);
            return ValueTask.FromResult<Response?>(null);
        });
    }

    /// <summary>Adds a hook that may replace the response by returning a non-null one.</summary>
    /// <param name="hook">The hook.</param>
    /// <exception cref="ArgumentNullException"><paramref name="hook"/> is <see langword="null"/>.</exception>
    public void Add(Func<Response, Response?> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        _hooks.Add((r, _) => ValueTask.FromResult(hook(r)));
    }

    /// <summary>Adds an asynchronous hook that observes the response.</summary>
    /// <param name="hook">The hook.</param>
    /// <exception cref="ArgumentNullException"><paramref name="hook"/> is <see langword="null"/>.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "VSTHRD200", Justification = "AddAsync names the asynchronous-hook overloads, so lambdas never become ambiguous with Add.")]
    public void AddAsync(Func<Response, CancellationToken, Task> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        _hooks.Add(async (r, ct) =>
        {
            await hook(r, ct).ConfigureAwait(false);
            return null;
        });
    }

    /// <summary>Adds an asynchronous hook that may replace the response by returning a non-null one.</summary>
    /// <param name="hook">The hook.</param>
    /// <exception cref="ArgumentNullException"><paramref name="hook"/> is <see langword="null"/>.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "VSTHRD200", Justification = "AddAsync names the asynchronous-hook overloads, so lambdas never become ambiguous with Add.")]
    public void AddAsync(Func<Response, CancellationToken, Task<Response?>> hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        _hooks.Add(async (r, ct) => await hook(r, ct).ConfigureAwait(false));
    }

    /// <summary>Removes every hook.</summary>
    public void Clear() => _hooks.Clear();

    /// <inheritdoc/>
    public IEnumerator<Func<Response, CancellationToken, ValueTask<Response?>>> GetEnumerator() => _hooks.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal Func<Response, CancellationToken, ValueTask<Response?>> ItemAt(int index) => _hooks[index];
}
