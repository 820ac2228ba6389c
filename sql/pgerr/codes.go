package pgerr

// Code is a five-character SQLSTATE, as listed in Postgres's
// src/backend/utils/errcodes.txt. The constants below are the one table of
// codes PersianDB uses; names follow cockroach's pgcode package.
type Code string

// Class returns the two-character class of the code ("23" for 23505).
func (c Code) Class() string {
	if len(c) < 2 {
		return ""
	}
	return string(c[:2])
}

func (c Code) String() string { return string(c) }

// Class 00 — Successful Completion
const (
	SuccessfulCompletion Code = "00000"
)

// Class 01 — Warning
const (
	Warning                                 Code = "01000"
	WarningDynamicResultSetsReturned        Code = "0100C"
	WarningImplicitZeroBitPadding           Code = "01008"
	WarningNullValueEliminatedInSetFunction Code = "01003"
	WarningPrivilegeNotGranted              Code = "01007"
	WarningPrivilegeNotRevoked              Code = "01006"
	WarningStringDataRightTruncation        Code = "01004"
	WarningDeprecatedFeature                Code = "01P01"
)

// Class 02 — No Data
const (
	NoData Code = "02000"
)

// Class 03 — SQL Statement Not Yet Complete
const (
	SQLStatementNotYetComplete Code = "03000"
)

// Class 08 — Connection Exception
const (
	ConnectionException                           Code = "08000"
	ConnectionDoesNotExist                        Code = "08003"
	ConnectionFailure                             Code = "08006"
	SQLClientUnableToEstablishSQLConnection       Code = "08001"
	SQLServerRejectedEstablishmentOfSQLConnection Code = "08004"
	TransactionResolutionUnknown                  Code = "08007"
	ProtocolViolation                             Code = "08P01"
)

// Class 0A — Feature Not Supported
const (
	FeatureNotSupported Code = "0A000"
)

// Class 0B — Invalid Transaction Initiation
const (
	InvalidTransactionInitiation Code = "0B000"
)

// Class 20 — Case Not Found
const (
	CaseNotFound Code = "20000"
)

// Class 21 — Cardinality Violation
const (
	CardinalityViolation Code = "21000"
)

// Class 22 — Data Exception
const (
	DataException                         Code = "22000"
	ArraySubscriptError                   Code = "2202E"
	CharacterNotInRepertoire              Code = "22021"
	DatetimeFieldOverflow                 Code = "22008"
	DivisionByZero                        Code = "22012"
	ErrorInAssignment                     Code = "22005"
	EscapeCharacterConflict               Code = "2200B"
	IndicatorOverflow                     Code = "22022"
	IntervalFieldOverflow                 Code = "22015"
	InvalidArgumentForLogarithm           Code = "2201E"
	InvalidArgumentForNtileFunction       Code = "22014"
	InvalidArgumentForNthValueFunction    Code = "22016"
	InvalidArgumentForPowerFunction       Code = "2201F"
	InvalidArgumentForWidthBucketFunction Code = "2201G"
	InvalidCharacterValueForCast          Code = "22018"
	InvalidDatetimeFormat                 Code = "22007"
	InvalidEscapeCharacter                Code = "22019"
	InvalidEscapeOctet                    Code = "2200D"
	InvalidEscapeSequence                 Code = "22025"
	NonstandardUseOfEscapeCharacter       Code = "22P06"
	InvalidIndicatorParameterValue        Code = "22010"
	InvalidParameterValue                 Code = "22023"
	InvalidPrecedingOrFollowingSize       Code = "22013"
	InvalidRegularExpression              Code = "2201B"
	InvalidRowCountInLimitClause          Code = "2201W"
	InvalidRowCountInResultOffsetClause   Code = "2201X"
	InvalidTablesampleArgument            Code = "2202H"
	InvalidTablesampleRepeat              Code = "2202G"
	InvalidTimeZoneDisplacementValue      Code = "22009"
	InvalidUseOfEscapeCharacter           Code = "2200C"
	MostSpecificTypeMismatch              Code = "2200G"
	NullValueNotAllowed                   Code = "22004"
	NullValueNoIndicatorParameter         Code = "22002"
	NumericValueOutOfRange                Code = "22003"
	SequenceGeneratorLimitExceeded        Code = "2200H"
	StringDataLengthMismatch              Code = "22026"
	StringDataRightTruncation             Code = "22001"
	SubstringError                        Code = "22011"
	TrimError                             Code = "22027"
	UnterminatedCString                   Code = "22024"
	ZeroLengthCharacterString             Code = "2200F"
	FloatingPointException                Code = "22P01"
	InvalidTextRepresentation             Code = "22P02"
	InvalidBinaryRepresentation           Code = "22P03"
	BadCopyFileFormat                     Code = "22P04"
	UntranslatableCharacter               Code = "22P05"
	NotAnXMLDocument                      Code = "2200L"
	InvalidXMLDocument                    Code = "2200M"
	InvalidXMLContent                     Code = "2200N"
	InvalidXMLComment                     Code = "2200S"
	InvalidXMLProcessingInstruction       Code = "2200T"
	InvalidJSONText                       Code = "22032"
)

// Class 23 — Integrity Constraint Violation
const (
	IntegrityConstraintViolation Code = "23000"
	RestrictViolation            Code = "23001"
	NotNullViolation             Code = "23502"
	ForeignKeyViolation          Code = "23503"
	UniqueViolation              Code = "23505"
	CheckViolation               Code = "23514"
	ExclusionViolation           Code = "23P01"
)

// Class 24 — Invalid Cursor State
const (
	InvalidCursorState Code = "24000"
)

// Class 25 — Invalid Transaction State
const (
	InvalidTransactionState                         Code = "25000"
	ActiveSQLTransaction                            Code = "25001"
	BranchTransactionAlreadyActive                  Code = "25002"
	HeldCursorRequiresSameIsolationLevel            Code = "25008"
	InappropriateAccessModeForBranchTransaction     Code = "25003"
	InappropriateIsolationLevelForBranchTransaction Code = "25004"
	NoActiveSQLTransactionForBranchTransaction      Code = "25005"
	ReadOnlySQLTransaction                          Code = "25006"
	SchemaAndDataStatementMixingNotSupported        Code = "25007"
	NoActiveSQLTransaction                          Code = "25P01"
	InFailedSQLTransaction                          Code = "25P02"
	IdleInTransactionSessionTimeout                 Code = "25P03"
)

// Class 26 — Invalid SQL Statement Name
const (
	InvalidSQLStatementName Code = "26000"
	// UndefinedPreparedStatement is what Postgres raises for an unknown
	// prepared statement name; it shares 26000.
	UndefinedPreparedStatement Code = "26000"
)

// Class 27 — Triggered Data Change Violation
const (
	TriggeredDataChangeViolation Code = "27000"
)

// Class 28 — Invalid Authorization Specification
const (
	InvalidAuthorizationSpecification Code = "28000"
	InvalidPassword                   Code = "28P01"
)

// Class 2B — Dependent Privilege Descriptors Still Exist
const (
	DependentPrivilegeDescriptorsStillExist Code = "2B000"
	DependentObjectsStillExist              Code = "2BP01"
)

// Class 2D — Invalid Transaction Termination
const (
	InvalidTransactionTermination Code = "2D000"
)

// Class 34 — Invalid Cursor Name
const (
	InvalidCursorName Code = "34000"
)

// Class 3B — Savepoint Exception
const (
	SavepointException            Code = "3B000"
	InvalidSavepointSpecification Code = "3B001"
)

// Class 3D — Invalid Catalog Name
const (
	InvalidCatalogName Code = "3D000"
)

// Class 3F — Invalid Schema Name
const (
	InvalidSchemaName Code = "3F000"
)

// Class 40 — Transaction Rollback
const (
	TransactionRollback                     Code = "40000"
	TransactionIntegrityConstraintViolation Code = "40002"
	SerializationFailure                    Code = "40001"
	StatementCompletionUnknown              Code = "40003"
	DeadlockDetected                        Code = "40P01"
)

// Class 42 — Syntax Error or Access Rule Violation
const (
	SyntaxErrorOrAccessRuleViolation   Code = "42000"
	SyntaxError                        Code = "42601"
	InsufficientPrivilege              Code = "42501"
	CannotCoerce                       Code = "42846"
	GroupingError                      Code = "42803"
	WindowingError                     Code = "42P20"
	InvalidRecursion                   Code = "42P19"
	InvalidForeignKey                  Code = "42830"
	InvalidName                        Code = "42602"
	NameTooLong                        Code = "42622"
	ReservedName                       Code = "42939"
	DatatypeMismatch                   Code = "42804"
	IndeterminateDatatype              Code = "42P18"
	CollationMismatch                  Code = "42P21"
	IndeterminateCollation             Code = "42P22"
	WrongObjectType                    Code = "42809"
	GeneratedAlways                    Code = "428C9"
	UndefinedColumn                    Code = "42703"
	UndefinedFunction                  Code = "42883"
	UndefinedTable                     Code = "42P01"
	UndefinedParameter                 Code = "42P02"
	UndefinedObject                    Code = "42704"
	DuplicateColumn                    Code = "42701"
	DuplicateCursor                    Code = "42P03"
	DuplicateDatabase                  Code = "42P04"
	DuplicateFunction                  Code = "42723"
	DuplicatePreparedStatement         Code = "42P05"
	DuplicateSchema                    Code = "42P06"
	DuplicateTable                     Code = "42P07"
	DuplicateAlias                     Code = "42712"
	DuplicateObject                    Code = "42710"
	AmbiguousColumn                    Code = "42702"
	AmbiguousFunction                  Code = "42725"
	AmbiguousParameter                 Code = "42P08"
	AmbiguousAlias                     Code = "42P09"
	InvalidColumnReference             Code = "42P10"
	InvalidColumnDefinition            Code = "42611"
	InvalidCursorDefinition            Code = "42P11"
	InvalidDatabaseDefinition          Code = "42P12"
	InvalidFunctionDefinition          Code = "42P13"
	InvalidPreparedStatementDefinition Code = "42P14"
	InvalidSchemaDefinition            Code = "42P15"
	InvalidTableDefinition             Code = "42P16"
	InvalidObjectDefinition            Code = "42P17"
)

// Class 44 — WITH CHECK OPTION Violation
const (
	WithCheckOptionViolation Code = "44000"
)

// Class 53 — Insufficient Resources
const (
	InsufficientResources      Code = "53000"
	DiskFull                   Code = "53100"
	OutOfMemory                Code = "53200"
	TooManyConnections         Code = "53300"
	ConfigurationLimitExceeded Code = "53400"
)

// Class 54 — Program Limit Exceeded
const (
	ProgramLimitExceeded Code = "54000"
	StatementTooComplex  Code = "54001"
	TooManyColumns       Code = "54011"
	TooManyArguments     Code = "54023"
)

// Class 55 — Object Not In Prerequisite State
const (
	ObjectNotInPrerequisiteState Code = "55000"
	ObjectInUse                  Code = "55006"
	CantChangeRuntimeParam       Code = "55P02"
	LockNotAvailable             Code = "55P03"
	UnsafeNewEnumValueUsage      Code = "55P04"
)

// Class 57 — Operator Intervention
const (
	OperatorIntervention Code = "57000"
	QueryCanceled        Code = "57014"
	AdminShutdown        Code = "57P01"
	CrashShutdown        Code = "57P02"
	CannotConnectNow     Code = "57P03"
	DatabaseDropped      Code = "57P04"
	IdleSessionTimeout   Code = "57P05"
)

// Class 58 — System Error
const (
	SystemError   Code = "58000"
	IOError       Code = "58030"
	UndefinedFile Code = "58P01"
	DuplicateFile Code = "58P02"
)

// Class 72 — Snapshot Failure
const (
	SnapshotTooOld Code = "72000"
)

// Class F0 — Configuration File Error
const (
	ConfigFileError Code = "F0000"
	LockFileExists  Code = "F0001"
)

// Class P0 — PL/pgSQL Error
const (
	PLpgSQLError   Code = "P0000"
	RaiseException Code = "P0001"
	NoDataFound    Code = "P0002"
	TooManyRows    Code = "P0003"
	AssertFailure  Code = "P0004"
)

// Class XX — Internal Error
const (
	InternalError  Code = "XX000"
	DataCorrupted  Code = "XX001"
	IndexCorrupted Code = "XX002"
)
