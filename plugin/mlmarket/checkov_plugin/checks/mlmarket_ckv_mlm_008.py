from mlmarket.checkov_plugin.adapter import MlmarketCheck


class CKV_MLM_008(MlmarketCheck):
    rule_id = "CKV_MLM_008"


check = CKV_MLM_008()
