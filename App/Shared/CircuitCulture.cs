using System.Globalization;

namespace BlazorTickets.Shared;

/// <summary>
/// Binds a callback to the culture of the code that registers it. Notifiers, tickers and events call their
/// subscribers on the publisher's thread (another user's circuit, a mail job, the outbox); a circuit that redraws
/// there with InvokeAsync(StateHasChanged) would render in the publisher's language and date format. Every
/// subscription mechanism that components use binds through here, so a component needs no code of its own.
/// </summary>
public static class CircuitCulture
{
    public static Func<T, Task> Bind<T>(Func<T, Task> handler)
    {
        var captured = Captured.Now();
        return async argument =>
        {
            // An async method's culture change does not leak back to the publisher.
            captured.Apply();
            await handler(argument);
        };
    }

    public static Func<Task> Bind(Func<Task> handler)
    {
        var bound = Bind<bool>(_ => handler());
        return () => bound(true);
    }

    public static Action<T> Bind<T>(Action<T> handler)
    {
        var captured = Captured.Now();
        return argument =>
        {
            var previous = Captured.Now();
            captured.Apply();
            try
            {
                handler(argument);
            }
            finally
            {
                previous.Apply();
            }
        };
    }

    private readonly record struct Captured(CultureInfo Culture, CultureInfo UICulture)
    {
        public static Captured Now() => new(CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);

        public void Apply()
        {
            CultureInfo.CurrentCulture = Culture;
            CultureInfo.CurrentUICulture = UICulture;
        }
    }
}

/// <summary>
/// The handlers of an event, each called in the culture it was added in (see <see cref="CircuitCulture"/>).
/// Back an event with it: <c>add => handlers.Add(value); remove => handlers.Remove(value);</c>.
/// </summary>
public sealed class CultureBoundHandlers<T>
{
    private readonly Lock gate = new();
    private (Action<T> Original, Action<T> Bound)[] handlers = [];

    public void Add(Action<T>? handler)
    {
        if (handler is null)
        {
            return;
        }
        lock (gate)
        {
            handlers = [.. handlers, (handler, CircuitCulture.Bind(handler))];
        }
    }

    public void Remove(Action<T>? handler)
    {
        lock (gate)
        {
            var index = Array.FindLastIndex(handlers, h => h.Original == handler);
            if (index >= 0)
            {
                handlers = [.. handlers[..index], .. handlers[(index + 1)..]];
            }
        }
    }

    public void Invoke(T argument)
    {
        foreach (var (_, bound) in Volatile.Read(ref handlers))
        {
            bound(argument);
        }
    }
}
