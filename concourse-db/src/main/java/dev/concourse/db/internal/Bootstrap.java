package dev.concourse.db.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import javax.sql.DataSource;
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.cfg.AvailableSettings;

/**
 * Starts Hibernate in a persistence unit of its own: the entity classes are listed here, nothing
 * is scanned and no {@code persistence.xml} is read, so it never mixes with the host application's
 * JPA set-up. The schema is Liquibase's job ({@link Migrations}); Hibernate only validates nothing
 * and creates nothing.
 */
final class Bootstrap {
    private Bootstrap() {
    }

    static Db start(DataSource dataSource) {
        Db.Dialect dialect = dialect(dataSource);
        StandardServiceRegistry registry = new StandardServiceRegistryBuilder()
                .applySetting(AvailableSettings.JAKARTA_NON_JTA_DATASOURCE, dataSource)
                .applySetting(AvailableSettings.HBM2DDL_AUTO, "none")
                .applySetting(AvailableSettings.SHOW_SQL, false)
                .applySetting(AvailableSettings.STATEMENT_BATCH_SIZE, 100)
                .applySetting(AvailableSettings.ORDER_UPDATES, true)
                .applySetting(AvailableSettings.USE_SECOND_LEVEL_CACHE, false)
                .build();
        try {
            MetadataSources sources = new MetadataSources(registry);
            for (Class<?> entity : Entities.ALL) {
                sources.addAnnotatedClass(entity);
            }
            SessionFactory factory = sources.buildMetadata().buildSessionFactory();
            return new Db(factory, dialect);
        } catch (RuntimeException e) {
            StandardServiceRegistryBuilder.destroy(registry);
            throw e;
        }
    }

    static Db.Dialect dialect(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            if (product.contains("postgres")) {
                return Db.Dialect.POSTGRESQL;
            }
            if (product.contains("h2")) {
                return Db.Dialect.H2;
            }
            throw new IllegalArgumentException("concourse-db supports PostgreSQL and H2, not " + product);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to the database to start the store: " + e.getMessage(),
                    e);
        }
    }
}
