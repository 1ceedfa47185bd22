using System.Runtime.CompilerServices;
using Bunit;

namespace BlazorTickets.Tests.Infrastructure;

internal static class TestDefaults
{
    /// <summary>
    /// bUnit's waits default to one second, too little when a 2-core machine runs the suite in parallel; a wait
    /// still ends as soon as its assertion holds.
    /// </summary>
    [ModuleInitializer]
    internal static void Initialize() => BunitContext.DefaultWaitTimeout = TimeSpan.FromSeconds(15);
}
