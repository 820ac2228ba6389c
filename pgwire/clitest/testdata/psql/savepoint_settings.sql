-- SETs are undone by ROLLBACK TO SAVEPOINT (SET LOCAL too) and kept by RELEASE;
-- a plain SET after a SET LOCAL is what COMMIT keeps.
SET application_name = 'a';
BEGIN; SET application_name='b'; SAVEPOINT s1; SET application_name='c'; ROLLBACK TO s1; SHOW application_name; SET application_name='d'; ROLLBACK TO s1; SHOW application_name; RELEASE s1; COMMIT;
SHOW application_name;
BEGIN; SET application_name='x'; SAVEPOINT a; SET LOCAL application_name='y'; ROLLBACK TO a; COMMIT;
SHOW application_name;
SET timezone='Europe/Paris';
BEGIN; SAVEPOINT a; SET timezone='Asia/Tokyo'; SAVEPOINT b; SET timezone='UTC'; RELEASE b; SHOW timezone; ROLLBACK TO a; SHOW timezone; COMMIT;
BEGIN; SET LOCAL application_name='l1'; SAVEPOINT a; SET application_name='l2'; RELEASE a; COMMIT;
SHOW application_name;
BEGIN; SAVEPOINT a; SET application_name='m1'; SAVEPOINT a; SET application_name='m2'; ROLLBACK TO a; SHOW application_name; RELEASE a; ROLLBACK TO a; SHOW application_name; COMMIT;
SHOW application_name;
