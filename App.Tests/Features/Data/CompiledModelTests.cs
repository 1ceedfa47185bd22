using BlazorTickets.Data;
using BlazorTickets.Data.CompiledModel;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace BlazorTickets.Tests.Features.Data;

/// <summary>
/// The app starts on a compiled EF model (App/Data/CompiledModel, about 0.4 s less to the first page). It is
/// generated code, so it must be generated again after every model change:
/// <c>dotnet ef dbcontext optimize --project App --output-dir Data/CompiledModel --namespace BlazorTickets.Data.CompiledModel</c>.
/// These tests fail when that was forgotten.
/// </summary>
public sealed class CompiledModelTests
{
    private static DbContextOptions<AppDbContext> Options => new DbContextOptionsBuilder<AppDbContext>().UseSqlite("Data Source=:memory:").Options;

    [Fact]
    public void The_context_runs_on_the_compiled_model()
    {
        using var db = new AppDbContext(Options);

        db.Model.GetType().Should().Be(typeof(AppDbContextModel), "a model built at start would be a plain runtime model");
        ConfiguredModel().GetType().Should().NotBe(typeof(AppDbContextModel), "the tests below compare the two");
    }

    [Fact]
    public void The_compiled_model_has_the_tables_columns_keys_and_indexes_the_configurations_describe()
    {
        using var db = new AppDbContext(Options);
        var configured = ConfiguredModel();

        // What the read-optimized model keeps; EF's schema differ needs design-time data a compiled model leaves out.
        static IEnumerable<string> Shape(IModel model) => model.GetEntityTypes().SelectMany(e => new[] { $"{e.Name} in {e.GetTableName()}" }
                .Concat(e.GetProperties().Select(p => $"{e.Name}.{p.Name}: {p.GetColumnName()} {p.ClrType.Name} null={p.IsNullable} concurrency={p.IsConcurrencyToken} generated={p.ValueGenerated}"))
                .Concat(e.GetNavigations().Select(n => $"{e.Name}->{n.Name}"))
                .Concat(e.GetSkipNavigations().Select(n => $"{e.Name}=>{n.Name}"))
                .Concat(e.GetKeys().Select(k => $"{e.Name} key {Names(k.Properties)} primary={k.IsPrimaryKey()}"))
                .Concat(e.GetForeignKeys().Select(f => $"{e.Name} fk {Names(f.Properties)} -> {f.PrincipalEntityType.Name} {f.DeleteBehavior} required={f.IsRequired}"))
                .Concat(e.GetIndexes().Select(i => $"{e.Name} index {i.GetDatabaseName()} {Names(i.Properties)} unique={i.IsUnique} filter={i.GetFilter()}")))
            .Order();

        var compiled = Shape(db.Model).ToList();
        var expected = Shape(configured).ToList();
        expected.Except(compiled).Should().BeEmpty("the compiled model is generated again after a model change (see this class's summary)");
        compiled.Except(expected).Should().BeEmpty("the compiled model is generated again after a model change (see this class's summary)");
        compiled.Should().HaveCount(expected.Count);
    }

    /// <summary>
    /// The model built from the entity configurations as EF builds it without a compiled model: a compiled model is
    /// found by the context's type, so a subclass of the context has none.
    /// </summary>
    private static IModel ConfiguredModel()
    {
        using var context = new ConfiguredContext(Options);
        return context.Model;
    }

    private sealed class ConfiguredContext(DbContextOptions<AppDbContext> options) : AppDbContext(options);

    private static string Names(IEnumerable<IReadOnlyProperty> properties) => string.Join(",", properties.Select(p => p.Name));
}
