using System.Reflection;
using NetArchTest.Rules;

namespace BlazorTickets.Tests.Features.Architecture;

/// <summary>
/// Which folder of the app may use which. The table is ordered from the bottom up and a folder may only name
/// folders above it in the table (lower layers), so a cycle cannot be written down. NetArchTest reads the
/// compiled IL, so Razor components count too: they compile to classes in their folder's namespace.
/// </summary>
public class FeatureBoundaryTests
{
    // Bottom first. Each folder lists every lower folder it uses, and nothing else.
    private static readonly Folder[] Table =
    [
        new("Shared"),
        new("Features.Localization", "Shared"),
        new("Features.Tenants"),
        new("Features.TextBlocks", "Tenants"),
        new("Features.Customers", "Tenants"),
        new("Features.Users", "Customers", "Tenants", "Localization"),
        // Identity's context is generic over the user type, so Data sits above Users; it names no other feature.
        new("Data", "Users", "Shared"),
        new("Features.Account", "Users", "Data", "Localization", "Shared"),
        new("Features.Tickets", "Account", "Users", "Customers", "Tenants", "Data", "Localization", "Shared"),
        new("Features.TimeTracking", "Tickets", "Account", "Users", "Tenants", "Data", "Localization", "Shared"),
        new("Features.Billing", "TimeTracking", "Tickets", "Account", "Users", "Customers", "Tenants", "Data", "Localization", "Shared"),
        new("Features.Mail", "Tickets", "Account", "Customers", "Tenants", "Data", "Localization", "Shared"),
        new("Features.Replies", "Mail", "Tickets", "Users", "Customers", "TextBlocks", "Tenants", "Data", "Localization", "Shared"),
        new("Components", "TimeTracking", "Account", "Localization"),
        new("Features.Portal", "Components", "Replies", "Tickets", "Account", "Users", "Customers", "Tenants", "Data", "Localization", "Shared"),
        // The ticket pages: they compose the other features' components, so that Tickets knows none of them.
        new("Features.Desk", "Replies", "Mail", "Billing", "TimeTracking", "Tickets", "Account", "Localization", "Shared"),
        new("Features.Admin", "Billing", "Tickets", "Account", "Users", "Customers", "TextBlocks", "Tenants", "Data", "Localization", "Shared"),
        new("Features.Demo", "Portal", "TimeTracking", "Tickets", "Account", "Users", "Customers", "TextBlocks", "Tenants", "Data", "Localization"),
        new("Data.Migrations", "Tickets", "Customers"),
        new("(root)", "Demo", "Admin", "Portal", "Components", "Replies", "Mail", "Billing", "TimeTracking", "Tickets",
            "Account", "Localization", "Data"),
    ];

    // Types the compilers add to every assembly; they belong to no folder.
    private static readonly string[] GeneratedNamespaces =
        ["Microsoft.CodeAnalysis", "Microsoft.Extensions.Validation.Embedded", "System.Runtime.CompilerServices", "AspNetCoreGeneratedDocument"];

    private static readonly Assembly App = typeof(BlazorTickets.Data.AppDbContext).Assembly;
    private static readonly Lazy<IReadOnlyList<Edge>> ActualEdges = new(FindEdges);

    [Fact]
    public void No_folder_depends_on_a_folder_it_does_not_list()
    {
        var forbidden = ActualEdges.Value
            .Where(e => !Allowed(e.From, e.To))
            .Select(e => $"{e.From} -> {e.To} is not allowed, used by: {string.Join(", ", e.UsedBy)}")
            .ToList();

        NoneOf(forbidden, "each folder may only use the lower folders it lists in the table");
    }

    [Fact]
    public void Every_listed_dependency_is_still_used()
    {
        var stale = Table
            .SelectMany(f => f.MayUse.Select(to => (From: f.Name, To: Resolve(to).Name)))
            .Where(allowed => !ActualEdges.Value.Any(e => e.From == allowed.From && e.To == allowed.To))
            .Select(e => $"{e.From} -> {e.To}")
            .ToList();

        NoneOf(stale, "the table should say what the code does, so an unused entry is removed");
    }

    [Fact]
    public void Every_type_belongs_to_a_listed_folder()
    {
        var homeless = AllTypes()
            .Where(t => FolderOf(t) is null)
            .Select(t => t.FullName)
            .ToList();

        NoneOf(homeless, "a new folder has to be placed in the table");
    }

    [Fact]
    public void The_table_only_points_downwards_so_it_has_no_cycle()
    {
        var upwards = Table
            .SelectMany((f, index) => f.MayUse
                .Where(to => Array.IndexOf(Table, Resolve(to)) >= index)
                .Select(to => $"{f.Name} -> {to}"))
            .ToList();

        NoneOf(upwards, "a folder may only list folders below it");
    }

    [Fact]
    public void Razor_components_are_inspected_like_classes()
    {
        var appFolder = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../App"));
        var components = Directory.EnumerateFiles(appFolder, "*.razor", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != "_Imports.razor")
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Select(f => "BlazorTickets." + Path.ChangeExtension(Path.GetRelativePath(appFolder, f), null).Replace(Path.DirectorySeparatorChar, '.'))
            .ToList();
        var inspected = AllTypes().Where(t => FolderOf(t) is not null).Select(t => t.FullName!.Split('`')[0]).ToHashSet();

        components.Should().NotBeEmpty();
        components.Where(c => !inspected.Contains(c)).Should().BeEmpty("every .razor file compiles to a class the table covers");
    }

    private static void NoneOf(IReadOnlyCollection<string?> found, string because)
    {
        if (found.Count > 0) Assert.Fail($"Expected none, {because}; found:{Environment.NewLine}{string.Join(Environment.NewLine, found)}");
    }

    private static bool Allowed(string from, string to) =>
        Table.Single(f => f.Name == from).MayUse.Any(u => Resolve(u).Name == to);

    private static Folder Resolve(string shortName) =>
        Table.SingleOrDefault(f => f.Name == shortName)
        ?? Table.SingleOrDefault(f => f.Name == "Features." + shortName)
        ?? throw new InvalidOperationException($"{shortName} is not in the table");

    private static IReadOnlyList<Edge> FindEdges()
    {
        var types = AllTypes().Where(t => FolderOf(t) is not null).ToList();
        var edges = new List<Edge>();
        foreach (var target in Table)
        {
            // Every type name of the folder, so that a folder's namespace being a prefix of another's
            // (BlazorTickets.Data and BlazorTickets.Data.Migrations, the root and everything) does not count.
            var names = types.Where(t => FolderOf(t) == target && !t.IsNested).Select(t => t.FullName!).ToArray();
            if (names.Length == 0) continue;
            var users = Types.InAssembly(App).That().HaveDependencyOnAny(names).GetTypes();
            edges.AddRange(users
                .Select(t => (Type: t, From: FolderOf(t)))
                .Where(u => u.From is not null && u.From != target)
                .GroupBy(u => u.From!.Name)
                .Select(g => new Edge(g.Key, target.Name, g.Select(u => u.Type.FullName!).Order().ToList())));
        }
        return edges;
    }

    private static IEnumerable<Type> AllTypes() =>
        Types.InAssembly(App).GetTypes()
            .Where(t => t.Namespace is null || !GeneratedNamespaces.Any(g => t.Namespace == g || t.Namespace.StartsWith(g + ".")))
            .Where(t => !t.FullName!.StartsWith('<'))
            .Where(t => t.Name != "_Imports"); // the holder Razor makes of an _Imports.razor file: no code of its own

    private static Folder? FolderOf(Type type)
    {
        var outer = type;
        while (outer.DeclaringType is not null) outer = outer.DeclaringType;
        if (outer.Namespace is null) return outer.Name == "Program" ? Resolve("(root)") : null;

        // Razor puts its type-inference helpers in "__Blazor." + the component's namespace.
        var ns = outer.Namespace.StartsWith("__Blazor.") ? outer.Namespace["__Blazor.".Length..] : outer.Namespace;
        if (ns == "BlazorTickets") return Resolve("(root)");
        return Table
            .Where(f => f.Name != "(root)")
            .Where(f => ns == "BlazorTickets." + f.Name || ns.StartsWith("BlazorTickets." + f.Name + "."))
            .MaxBy(f => f.Name.Length);
    }

    private sealed record Folder(string Name, params string[] MayUse);

    private sealed record Edge(string From, string To, IReadOnlyList<string> UsedBy);
}
